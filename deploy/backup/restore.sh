#!/usr/bin/env bash
# Restore a backup made by backup.sh into a database.
#   deploy/backup/restore.sh BACKUP_FILE DATABASE_URL
# PostgreSQL: the target database must exist and be empty (createdb it first); the restore is one
#   transaction, so it either completes or leaves the database empty. Stop the service's workers first.
# SQLite: the target file must not exist (stop the service, move the damaged file away, restore).
# Afterwards run `housing-match db upgrade <service>` if the backup is older than the code.
set -euo pipefail
IN="${1:?usage: restore.sh BACKUP_FILE DATABASE_URL}"
URL="${2:-${DATABASE_URL:-}}"
[ -n "$URL" ] || { echo "usage: restore.sh BACKUP_FILE DATABASE_URL" >&2; exit 2; }
[ -f "$IN" ] || { echo "no backup file $IN" >&2; exit 1; }
case "$URL" in
  postgres://*|postgresql://*|postgres+*|postgresql+*)
    LIBPQ_URL="$(printf '%s' "$URL" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#')"
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$LIBPQ_URL" "$IN"
    ;;
  sqlite:///*)
    DST="${URL#sqlite:///}"
    [ ! -e "$DST" ] || { echo "$DST exists; move it away first" >&2; exit 1; }
    mkdir -p "$(dirname "$DST")"
    python3 - "$IN" "$DST" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
dst.execute("PRAGMA journal_mode=WAL")
dst.close(); src.close()
PY
    ;;
  *) echo "unsupported database URL: ${URL%%:*}://..." >&2; exit 2 ;;
esac
echo "restored $IN" >&2
