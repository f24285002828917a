"""The screens' languages (issue 16): Dutch by default, English by choice, through gettext catalogues.

The messages are written in Dutch in the templates and in texts.py (Dutch is the source language);
locale/en/LC_MESSAGES/messages.po holds their English. The catalogue is compiled in memory from the .po
file when first used, so a fresh clone needs no build step and no committed .mo. The language is the
person's choice (/taal/{code}: a cookie, and kept with a signed-in person's account, service_layer/
preferences.py), else the browser's Accept-Language, else Dutch.
"""
from __future__ import annotations

import functools
import gettext as gnu
from contextvars import ContextVar
from pathlib import Path


from services.kernel.languages import compiled_catalogue, from_accept_language

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
LANGUAGE_COOKIE = "__Host-hm_lang"
LOCALE_DIR = Path(__file__).parent / "locale"
current: ContextVar[str] = ContextVar("screen_language", default=DEFAULT)


@functools.cache
def translations(language: str) -> gnu.NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT or not po.exists():
        return gnu.NullTranslations()
    return compiled_catalogue(po, language)


def gettext(message: str) -> str:
    return translations(current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return message


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The person's own choice, else the first language of the browser's list that the screens speak."""
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(accept_language, LANGUAGES, DEFAULT)
