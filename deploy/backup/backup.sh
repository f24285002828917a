#!/usr/bin/env bash
# Back up one service database to a file.
#   deploy/backup/backup.sh DATABASE_URL OUT_FILE
# PostgreSQL (postgresql[+driver]://...): pg_dump custom format (-Fc), consistent while the services
#   run; use a pg_dump at least as new as the server. Restore with restore.sh.
# SQLite (sqlite:///path, the embedded default: DATA_DIR/<service>.db): SQLite's online backup API,
#   consistent while the service runs (WAL mode).
set -euo pipefail
URL="${1:-${DATABASE_URL:-}}"
OUT="${2:?usage: backup.sh DATABASE_URL OUT_FILE}"
[ -n "$URL" ] || { echo "usage: backup.sh DATABASE_URL OUT_FILE" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"
case "$URL" in
  postgres://*|postgresql://*|postgres+*|postgresql+*)
    LIBPQ_URL="$(printf '%s' "$URL" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#')"
    pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$OUT.partial" "$LIBPQ_URL"
    ;;
  sqlite:///*)
    SRC="${URL#sqlite:///}"
    [ -f "$SRC" ] || { echo "no SQLite database at $SRC" >&2; exit 1; }
    python3 - "$SRC" "$OUT.partial" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
dst.close(); src.close()
sys.exit(0 if ok == "ok" else f"integrity check of the copy failed: {ok}")
PY
    ;;
  *) echo "unsupported database URL: ${URL%%:*}://..." >&2; exit 2 ;;
esac
mv "$OUT.partial" "$OUT"
echo "backed up to $OUT" >&2
