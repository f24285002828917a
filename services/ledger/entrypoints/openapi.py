"""The report API's own OpenAPI document (served at /openapi.json and /v1/openapi.json).

Checked in the test suite with the NL GOV API Design Rules Spectral ruleset (no errors).
"""
from __future__ import annotations

from typing import Any

from services.ledger.service_layer.reports import SHARE_KEYS
from services.kernel.http import API_VERSION

_VERSION_HEADER = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
_NULLABLE_INT = {"type": "integer", "minimum": 0, "nullable": True,
                 "description": "Number of persons/places; null when suppressed (fewer than 5, or to protect one)"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "headers": _VERSION_HEADER,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _map_of_counts(description: str) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": _NULLABLE_INT}


def document(server_url: str = "/v1") -> dict[str, Any]:
    report_schema = {
        "type": "object",
        "required": ["realised_places", "national_target", "by_strategy", "suppressed_below"],
        "properties": {
            "as_of": {"type": "string", "format": "date", "nullable": True,
                      "description": "The figures as the ledger knew them at the end of this day (event time)"},
            "scope": {"type": "object", "properties": {
                "level": {"type": "string", "enum": ["national", "municipality"]},
                "municipality": {"type": "string", "nullable": True, "pattern": "^GM\\d{4}$"}}},
            "realised_places": {**_NULLABLE_INT, "description": "De-duplicated realised places (each counted once)"},
            "unique_persons": _NULLABLE_INT,
            "national_target": {"type": "integer", "minimum": 0},
            "progress_ratio": {"type": "number", "nullable": True},
            "currently_occupied": _NULLABLE_INT,
            "housing_first": _NULLABLE_INT,
            "youth": {**_NULLABLE_INT, "description": "Places of young people (18-27)"},
            "families": {**_NULLABLE_INT, "description": "Places of households with children"},
            "shelter_stay_known": _NULLABLE_INT,
            "over_90_days_in_shelter": _NULLABLE_INT,
            "over_90_days_share": {"type": "number", "nullable": True},
            "flagged_for_review": _NULLABLE_INT,
            "retractions": {"type": "integer", "minimum": 0},
            "by_strategy": _map_of_counts("Per housing strategy"),
            "by_region": _map_of_counts("Per region (centrumgemeente)"),
            "by_municipality": _map_of_counts("Per municipality"),
            "by_corporation": _map_of_counts("Per housing corporation"),
            "by_month": _map_of_counts("Per month of moving in (YYYY-MM)"),
            "by_strategy_and_month": {"type": "object", "additionalProperties": _map_of_counts("Per strategy")},
            "agreements": {"type": "array", "items": {"$ref": "#/components/schemas/AgreementProgress"}},
            "neighbourhood_limits": {"type": "array", "items": {"$ref": "#/components/schemas/NeighbourhoodUse"}},
            "sources": {"type": "array", "items": {"$ref": "#/components/schemas/SourceCount"}},
            "overlap": {"type": "array", "items": {"$ref": "#/components/schemas/SourceOverlap"}},
            "source_kinds": _map_of_counts("Places per kind of source"),
            "overlap_by_source_kind": {"type": "array", "items": {"type": "object"}},
            "unverified_totals": {"type": "array", "items": {"$ref": "#/components/schemas/UnverifiedTotal"}},
            "suppressed_below": {"type": "integer", "nullable": True},
            "comparison": {
                "type": "object",
                "description": "Only in a municipality's report: its shares beside the national ones, its "
                               "region's and every municipality's total, all taken from the published national "
                               "report (after its disclosure control)",
                "properties": {
                    "own": {"$ref": "#/components/schemas/Shares"},
                    "national": {"allOf": [{"$ref": "#/components/schemas/Shares"}, {"type": "object", "properties": {
                        "realised_places": _NULLABLE_INT, "unique_persons": _NULLABLE_INT}}]},
                    "region": {"type": "object", "properties": {
                        "region": {"type": "string", "nullable": True}, "realised_places": _NULLABLE_INT}},
                    "by_municipality": _map_of_counts("Every municipality's realised places (national report)"),
                },
            },
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Housing-match ledger: realised places",
            "description": "Aggregate figures of realised extra housing places for (threatened) homeless people, "
                           "de-duplicated across sources. Aggregates only: cells under 5 persons are suppressed, "
                           "with secondary suppression so that no total reveals a suppressed cell. Readable by the "
                           "ministry, administrators and municipalities (their own municipality only).",
            "version": API_VERSION,
            "contact": {"name": "Housing-match team", "email": "housing-match@example.org",
                        "url": "https://housing-match.example.org"},
            "license": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/en/"},
        },
        "servers": [{"url": server_url, "description": "This ledger"}],
        "security": [{"bearerToken": []}],
        "tags": [{"name": "reports", "description": "Realised places"},
                 {"name": "dashboard", "description": "HTML dashboard"}],
        "paths": {
            "/reports/realised-places": {
                "get": {
                    "operationId": "getRealisedPlaces",
                    "tags": ["reports"],
                    "summary": "Realised places: totals, breakdowns, sources and their overlap",
                    "description": "Content negotiation: application/json (default), text/csv (one row per cell) "
                                   "or text/html (the dashboard's figures).",
                    "parameters": [
                        {"name": "asOf", "in": "query", "required": False,
                         "description": "Figures as the ledger knew them at the end of this day (event time)",
                         "schema": {"type": "string", "format": "date"}},
                        {"name": "municipality", "in": "query", "required": False,
                         "description": "Ministry and administrators: one municipality's figures. A "
                                        "municipality always gets its own.",
                         "schema": {"type": "string", "pattern": "^GM\\d{4}$"}},
                    ],
                    "responses": {
                        "200": {"description": "The report", "headers": _VERSION_HEADER, "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/RealisedPlaces"}},
                            "text/csv": {"schema": {"type": "string"}},
                            "text/html": {"schema": {"type": "string"}}}},
                        "400": _problem("Invalid query parameter"),
                        "401": _problem("No or unknown token"),
                        "403": _problem("Role or municipality not allowed"),
                        "406": _problem("None of the accepted media types can be produced"),
                    },
                },
            },
            "/dashboard": {
                "get": {
                    "operationId": "getDashboard",
                    "tags": ["dashboard"],
                    "summary": "HTML dashboard (charts as inline SVG); pass the token as #token=... in the URL",
                    "responses": {"200": {"description": "The dashboard page (without data)",
                                          "headers": _VERSION_HEADER,
                                          "content": {"text/html": {"schema": {"type": "string"}}}}},
                },
            },
        },
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                "description": "The API token the intake issued"}},
            "headers": {"API-Version": {"description": "Full version of the API", "schema": {"type": "string"},
                                        "example": API_VERSION}},
            "schemas": {
                "RealisedPlaces": report_schema,
                "Shares": {"type": "object", "description": "Shares of the realised places (null when a figure "
                                                            "they rest on is suppressed)", "properties": {
                    k: {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
                    for k in SHARE_KEYS}},
                "AgreementProgress": {"type": "object", "properties": {
                    "corporation": {"type": "string"}, "municipality": {"type": "string"},
                    "period": {"type": "string"}, "region": {"type": "string"},
                    "committed_places": {"type": "integer"}, "realised": _NULLABLE_INT}},
                "NeighbourhoodUse": {"type": "object", "properties": {
                    "municipality": {"type": "string"}, "neighbourhood": {"type": "string"},
                    "period": {"type": "string"}, "region": {"type": "string"},
                    "max_placements": {"type": "integer"}, "used_outside_ledger": {"type": "integer"},
                    "placed": _NULLABLE_INT}},
                "SourceCount": {"type": "object", "properties": {
                    "source": {"type": "string"}, "source_kind": {"type": "string"}, "places": _NULLABLE_INT}},
                "SourceOverlap": {"type": "object", "properties": {
                    "source_a": {"type": "string"}, "source_b": {"type": "string"}, "places": _NULLABLE_INT}},
                "UnverifiedTotal": {"type": "object", "properties": {
                    "source": {"type": "string"}, "source_kind": {"type": "string"}, "period": {"type": "string"},
                    "region": {"type": "string", "nullable": True}, "places": _NULLABLE_INT,
                    "note": {"type": "string"}}},
                "Problem": {"type": "object", "required": ["status", "title", "detail"], "properties": {
                    "type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
                    "status": {"type": "integer"}, "detail": {"type": "string"},
                    "instance": {"type": "string"},
                    "invalid_params": {"type": "array", "items": {"type": "object", "properties": {
                        "name": {"type": "string"}, "reason": {"type": "string"}}}}}},
            },
        },
    }
