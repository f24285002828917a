"""The region's policy for the municipalities (issue 17 item 2, on issue 20's operations): every version with
its effective date and the one in force; the central municipality registers a new version of the common fields
(review by the transfer point, parking after refusals, passend toewijzen on or off). Every other field of the
policy stays as the latest version has it and is changed through the API (POST /v1/region-policies)."""
from __future__ import annotations

import copy
import re
import secrets
from typing import Any

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from contracts.solver_policy import Policy
from contracts.types import local_date
from services.intake.domain import regional_models as m
from services.intake.domain.errors import Conflict, Forbidden, Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import POLICY_OFFICER, decision_wording
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect
from services.intake.service_layer import common

#: The form's fields: name -> (section, key) of the policy.
FIELDS = {"review_enabled": ("review", "enabled"), "max_declines": ("refusals", "max_declines"),
          "window_days": ("refusals", "window_days"), "park_days": ("refusals", "park_days"),
          "affordability_enabled": ("affordability", "enabled")}
ORDER = ("effective_from", *FIELDS)
CHECKBOXES = ("review_enabled", "affordability_enabled")
NOTICE = N_("Vastgelegd. De matcher past de nieuwe versie toe vanaf de gekozen dag.")
NOT_CENTRAL = N_("Alleen de centrumgemeente van de regio legt het beleid vast.")
NO_REGION = N_("Uw gemeente heeft geen regio; vraag de beheerder die vast te leggen.")


def merged(overrides: dict[str, Any]) -> dict[str, Any]:
    """A version's whole policy: the fields it set over the product's defaults."""
    whole = Policy().model_dump(mode="json")
    for key, value in overrides.items():
        whole[key] = {**whole[key], **value} if isinstance(value, dict) and isinstance(whole.get(key), dict) else value
    return whole


def common_values(policy: dict[str, Any]) -> dict[str, Any]:
    return {name: policy[section][key] for name, (section, key) in FIELDS.items()}


def new_version(latest: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """The latest version with the form's fields in it: what the form does not show is kept as it was."""
    policy = copy.deepcopy(latest)
    for name, (section, key) in FIELDS.items():
        given = form.get(name, "").strip()
        value: Any = given == "ja" if name in CHECKBOXES else int(given) if re.fullmatch(r"\d{1,6}", given) else given
        policy.setdefault(section, {})[key] = value
    return policy


async def policy_page(request, caller, csrf, status: int = 200, **values) -> web.Response:
    try:
        found = await run(caller, "listRegionPolicies")
    except Conflict:
        return render("region_policy.html", N_("Beleid van de regio"), 409, caller=caller, csrf=csrf,
                      path=request.path, versions=[], error=NO_REGION, form=False)
    versions = [dict(v, values=common_values(merged(v["policy"])),
                     others=sorted(k for k in v["policy"] if k not in {s for s, _ in FIELDS.values()}))
                for v in reversed(found["items"])]
    latest = found["items"][-1]["policy"] if found["items"] else {}
    values.setdefault("values", {"effective_from": local_date(common.now()).isoformat(),
                                 **common_values(merged(latest))})
    return render("region_policy.html", N_("Beleid van de regio"), status, caller=caller, csrf=csrf,
                  path=request.path, versions=versions, in_force=found["in_force"], form=True,
                  latest=found["items"][-1]["version"] if found["items"] else None, region=caller.region,
                  form_key=secrets.token_urlsafe(16), notice=NOTICE if request.query.get("klaar") else None, **values)


class RegionPolicy(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        return await policy_page(request, caller, csrf)

    @guarded
    async def post(self, request: web.Request) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "registerRegionPolicy", audience=(POLICY_OFFICER,))
        try:
            latest = (await run(caller, "listRegionPolicies"))["items"]
            policy = new_version(latest[-1]["policy"] if latest else {}, form)
            body = forms.parse(m.RegisterRegionPolicy, {"effective_from": form.get("effective_from", "").strip(),
                                                        "policy": policy})
            await run(caller, "registerRegionPolicy", body=body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = decision_wording.field_errors(exc, ORDER)
            kept = {k: v for k, v in form.items() if k in ORDER and k not in {e.field for e in errors}}
            return await policy_page(request, caller, csrf, 400, errors=errors,
                                     values={**{k: "" for k in ORDER}, **kept})
        except Forbidden:
            return await policy_page(request, caller, csrf, 403, error=NOT_CENTRAL)
        except Conflict:
            return await policy_page(request, caller, csrf, 409, error=NO_REGION)
        return redirect("/gemeente/beleid?klaar=1")


app.page("/gemeente/beleid")(RegionPolicy)
