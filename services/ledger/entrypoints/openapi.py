"""The report API's own OpenAPI 3.1 document (served at /openapi.json and /v1/openapi.json).

Generated from the report models (domain/responses.py) by the kernel's generator, the same one
the intake's document comes from, with the same problem schema. Checked in the test suite with
the NL GOV API Design Rules Spectral ruleset (no errors).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.kernel.openapi import Endpoint, document as generate
from services.kernel.problem import Problem
from services.ledger.domain.responses import RealisedPlaces

STRING = {"schema": {"type": "string"}}


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    asOf: date | None = Field(default=None, description="Figures as the ledger knew them at the end of this day "
                                                        "(event time)")
    municipality: str | None = Field(default=None, pattern=r"^GM[0-9]{4}$",
                                     description="Ministry and administrators: one municipality's figures. A "
                                                 "municipality always gets its own.")


ENDPOINTS = [
    Endpoint("GET", "/reports/realised-places", "getRealisedPlaces",
             "Realised places: totals, breakdowns, sources and their overlap", "reports", RealisedPlaces,
             {400: "Invalid query parameter", 401: "No or unknown token", 403: "Role or municipality not allowed",
              406: "None of the accepted media types can be produced"},
             query=ReportQuery, media={"text/csv": STRING, "text/html": STRING},
             description="Content negotiation: application/json (default), text/csv (one row per cell) or "
                         "text/html (the dashboard's figures). Roles: ministry, municipality (its own figures), "
                         "admin."),
    Endpoint("GET", "/dashboard", "getDashboard",
             "HTML dashboard (charts as inline SVG); pass the token as #token=... in the URL", "dashboard", None,
             {}, media={"text/html": STRING}, public=True,
             description="The page carries no figures: its script asks the report resource for them with the "
                         "token from the URL fragment, which never reaches a server."),
    Endpoint("GET", "/openapi.json", "getOpenApi", "This document", "meta", None, {500: "Internal error"},
             media={"application/json": {"schema": {"type": "object"}}}, public=True),
]


def document(server_url: str = "/v1") -> dict[str, Any]:
    return generate(
        title="Housing-match ledger: realised places", server_url=server_url, problem=Problem,
        endpoints=ENDPOINTS, bearer_description="The API token the intake issued",
        description="Aggregate figures of realised extra housing places for (threatened) homeless people, "
                    "de-duplicated across sources. Aggregates only: cells under 5 persons are suppressed, with "
                    "secondary suppression so that no total reveals a suppressed cell. Readable by the ministry, "
                    "administrators and municipalities (their own municipality only).",
        info={"contact": {"name": "Housing-match team", "email": "housing-match@example.org",
                          "url": "https://housing-match.example.org"},
              "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}})
