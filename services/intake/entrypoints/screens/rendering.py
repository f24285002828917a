"""HTML answers of every screen: one Jinja2 environment (autoescaped, gettext), one content security policy.

The policy allows the own stylesheets and nothing else: no script, no inline style, no frames, forms
only to this site. Every screen answers through ``render``, so no page goes out without it.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_date, format_datetime
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from services.intake.domain.accounts import may_use
from services.intake.entrypoints.screens import i18n

#: Stylesheets from this site only; no script at all; forms post here; never framed.
PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")
TEMPLATES = Environment(
    loader=ChoiceLoader([PackageLoader("services.intake.entrypoints.screens", "templates"),
                         PackageLoader("services.intake.entrypoints", "templates")]),
    autoescape=select_autoescape(["html"]), undefined=StrictUndefined, extensions=["jinja2.ext.i18n"])
TEMPLATES.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
TEMPLATES.globals["language"] = lambda: i18n.current.get()
TEMPLATES.globals["LANGUAGES"] = i18n.LANGUAGES
#: The menu offers a screen to the person roles the API lets use its operations' tag (domain/accounts.py).
TEMPLATES.globals["may_use"] = may_use
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _when(value, with_time: bool = True) -> str:
    """A date or moment as people in the Netherlands read it, in the page's language."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        if with_time:
            return format_datetime(value, "d MMMM y, HH:mm", tzinfo=AMSTERDAM, locale=i18n.current.get())
        value = value.astimezone(AMSTERDAM).date()
    return format_date(value, "d MMMM y", locale=i18n.current.get())


TEMPLATES.filters["moment"] = _when
TEMPLATES.filters["day"] = lambda value: _when(value, with_time=False)


def render(template: str, title: str, status: int = 200, headers: dict[str, str] | None = None,
           **values) -> web.Response:
    """A page of the shell: ``title`` is Dutch and translated here; values default to none shown."""
    for name in ("error", "errors", "caller", "csrf", "notice", "path"):
        values.setdefault(name, None)
    for name in ("error", "message", "notice"):  # a page's own fixed Dutch sentences, translated here
        if isinstance(values.get(name), str):
            values[name] = i18n.gettext(values[name])
    html = TEMPLATES.get_template(template).render(title=i18n.gettext(title), **values)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                        headers={"Content-Security-Policy": PAGE_POLICY, "Content-Language": i18n.current.get(),
                                 "Vary": "Cookie, Accept-Language", **(headers or {})})

