#!/usr/bin/env bash
# Back up Houqin: the database (pg_dump, or SQLite's online .backup) and the uploaded files
# (var/media), into a dated pair of files; keep 30 days.
#   usage: deploy/backup.sh [DEST]          (default DEST: /var/backups/houqin)
# Reads the same environment as the service: set -a; . /etc/houqin/houqin.env; set +a
# cron, as user houqin:  15 2 * * *  set -a; . /etc/houqin/houqin.env; set +a; /srv/houqin/deploy/backup.sh
set -euo pipefail
VAR_DIR=${HOUQIN_VAR_DIR:-$PWD/var}
DEST=${1:-/var/backups/houqin}
KEEP_DAYS=${KEEP_DAYS:-30}
STAMP=$(date +%Y%m%d-%H%M%S)
umask 077
mkdir -p "$DEST"

case "${DATABASE_URL:-}" in
    postgres://*|postgresql://*)
        pg_dump --format=custom --no-owner --file "$DEST/houqin-$STAMP.dump" "$DATABASE_URL"
        echo "database -> $DEST/houqin-$STAMP.dump"
        ;;
    "")
        # sqlite3's online backup API: consistent even while the app writes (WAL mode).
        python3 - "$VAR_DIR/houqin.sqlite3" "$DEST/houqin-$STAMP.sqlite3" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
source.backup(target)
target.close()
source.close()
PY
        echo "database -> $DEST/houqin-$STAMP.sqlite3"
        ;;
    *)
        echo "backup.sh: unsupported DATABASE_URL scheme" >&2
        exit 2
        ;;
esac

files=()
[ -d "$VAR_DIR/media" ] && files+=(media)
[ -f "$VAR_DIR/secret_key" ] && files+=(secret_key)  # only when SECRET_KEY is not in the environment
if [ ${#files[@]} -gt 0 ]; then
    tar -C "$VAR_DIR" -czf "$DEST/files-$STAMP.tar.gz" "${files[@]}"
    echo "files    -> $DEST/files-$STAMP.tar.gz"
fi

find "$DEST" -maxdepth 1 -type f \( -name 'houqin-*' -o -name 'files-*' \) -mtime "+$KEEP_DAYS" -delete
