#!/usr/bin/env bash
# The screens' gettext catalogues (issue 16): extract the Dutch messages of the templates and of texts.py
# into messages.pot and merge them into the English catalogue (then translate the new entries in the .po).
# The .po is compiled in memory when the intake starts (screens/i18n.py): no .mo to build or commit.
set -euo pipefail
cd "$(dirname "$0")/.."
SCREENS=services/intake/entrypoints
LOCALE=$SCREENS/screens/locale
.venv/bin/pybabel extract --no-location --sort-output -F $SCREENS/screens/babel.cfg -k _ -k gettext -k N_ \
  -k ngettext:1,2 -w 120 -o $LOCALE/messages.pot $SCREENS >/dev/null
if [ -f $LOCALE/en/LC_MESSAGES/messages.po ]; then
  .venv/bin/pybabel update --no-fuzzy-matching -w 120 -i $LOCALE/messages.pot -d $LOCALE -l en >/dev/null
else
  .venv/bin/pybabel init -w 120 -i $LOCALE/messages.pot -d $LOCALE -l en >/dev/null
fi
