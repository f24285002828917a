"""The ledger's pages in Dutch by default, in English by choice: gettext catalogues (Babel), pure.

The texts in the templates and in dashboard.py are English msgids; ``locale/nl/LC_MESSAGES/messages.po``
holds their Dutch. English is the source language (gettext's NullTranslations). The catalogue is read
as it is checked in (no compiled .mo to keep in step): Babel compiles it in memory once per process.
A reader chooses with ``?lang=en`` (or ``lang=nl``), else with its browser's Accept-Language; anything
else gets Dutch.
"""
from __future__ import annotations

import functools
import gettext
from pathlib import Path

from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.kernel.languages import compiled_catalogue, from_accept_language

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
LOCALE_DIR = Path(__file__).parent / "locale"


def language(query: str | None, accept_language: str | None) -> str:
    """``lang`` from the query if it is one we have, else the first of ours in Accept-Language (by q), else Dutch."""
    if query and query.strip().lower()[:2] in LANGUAGES:
        return query.strip().lower()[:2]
    return from_accept_language(accept_language, LANGUAGES, DEFAULT)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES or lang == "en":
        return gettext.NullTranslations()
    return compiled_catalogue(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", lang)


def gettext_for(lang: str):
    return translations(lang).gettext


def number(value: int, lang: str) -> str:
    """A count as the language writes it: 1.234 in Dutch, 1,234 in English."""
    return format_decimal(value, locale="nl_NL" if lang == "nl" else "en_GB")


@functools.cache
def templates(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("services.ledger.entrypoints", "templates"), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    env.install_gettext_translations(translations(lang), newstyle=True)
    return env
