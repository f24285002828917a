"""The ledger's pages: Dutch by default, English by choice, every text from the gettext catalogue."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from services.ledger.entrypoints import dashboard, i18n
from services.ledger.service_layer import reports
from tests.unit.ledger.test_reports import inputs, place


@pytest.mark.parametrize("query, header, expected", [
    (None, None, "nl"), ("en", None, "en"), ("nl", "en", "nl"), (None, "en-GB,en;q=0.9", "en"),
    (None, "de,en;q=0.5,nl;q=0.8", "nl"), (None, "fr", "nl"), ("xx", "en", "en"), (None, "en;q=0", "nl")])
def test_the_language_is_dutch_unless_english_is_asked_for(query, header, expected):
    assert i18n.language(query, header) == expected


def _texts(html: str) -> set[str]:
    """The words of the page outside its figures, names and codes."""
    return {t.strip() for t in re.findall(r">([^<>]+)<", html) if re.search(r"[a-z]{4,}", t)}


def test_every_text_the_pages_use_has_its_dutch_in_the_catalogue(monkeypatch):
    used: set[str] = set()
    dutch = i18n.translations("nl")

    class Recording:
        def gettext(self, message):
            used.add(message)
            return dutch.gettext(message)

        def ngettext(self, one, many, n):  # not used by the pages; part of the interface jinja2 installs
            return dutch.ngettext(one, many, n)

    monkeypatch.setattr(i18n, "translations", lambda lang: Recording())
    i18n.templates.cache_clear()
    try:
        inp = inputs([place(i) for i in range(20)] + [place(100 + i, municipality="GM0599", region="R02")
                                                      for i in range(10)])
        dashboard.fragment(reports.build(inp, 10_000), "nl")
        dashboard.fragment(reports.build(inp, 10_000, municipality="GM0363", party="GM0363"), "nl")
        dashboard.shell("nonce", "nl")
    finally:
        i18n.templates.cache_clear()
    with (i18n.LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = {m.id: m.string for m in read_po(po) if m.id}
    assert used and not {m for m in used if not catalogue.get(m)}, "texts without Dutch in messages.po"


def test_the_dashboard_speaks_dutch_unless_asked_for_english():
    report = reports.build(inputs([place(i) for i in range(12)]), 10_000)
    nl, en = dashboard.fragment(report), dashboard.fragment(report, "en")
    assert "Plekken per strategie per maand" in nl and "Places per strategy per month" in en
    # what both share is names: the programme's "Housing First" and a source's name
    assert _texts(nl) & _texts(en) <= {"Housing First", "matcher"}, "an English text left in the Dutch page"
    assert 'lang="nl"' in dashboard.shell("n") and 'lang="en"' in dashboard.shell("n", "en")
    assert "Gerealiseerde" in dashboard.shell("n") and "verborgen" in dashboard.shell("n")
