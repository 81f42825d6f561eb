"""Prove a backup restores: pg_restore it into a fresh database and compare every table's rows.

    DATABASE_URL=postgres://… python ops/restore_check.py /var/backups/cctv/cctv-20261128-010000.dump

Creates a new database beside the one in DATABASE_URL (named cctv_restore_check_<time>),
restores the dump into it, counts the rows of every table and compares them with the
.counts.json written by ops/backup.py. Prints one line per table that differs and a summary;
exits 1 if anything differs or is missing. Drops the new database afterwards unless --keep.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from backup import table_counts


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def restore_check(url, dump, *, keep=False):
    expected = json.loads(dump.with_suffix(".counts.json").read_text())["tables"]
    name = f"cctv_restore_check_{datetime.datetime.now():%Y%m%d%H%M%S%f}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = with_database(url, name)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)], check=True)
        conn = psycopg2.connect(target)
        try:
            with conn.cursor() as cursor:
                restored = table_counts(cursor)
        finally:
            conn.close()
    finally:
        if not keep:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{name}"')
        admin.close()
    differences = [
        f"{table}: expected {expected.get(table)}, restored {restored.get(table)}"
        for table in sorted(set(expected) | set(restored))
        if expected.get(table) != restored.get(table)
    ]
    return expected, restored, differences, name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--keep", action="store_true", help="keep the restored database for a look")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (or --database-url)")
    for needed in (args.dump, args.dump.with_suffix(".counts.json")):
        if not needed.is_file():
            sys.exit(f"Not found: {needed} (ops/backup.py writes the dump and its .counts.json side by side)")
    expected, restored, differences, name = restore_check(args.database_url, args.dump, keep=args.keep)
    for line in differences:
        print(line)
    rows = sum(restored.values())
    verdict = "FAILED" if differences else "OK"
    print(f"{verdict}: {len(restored)} tables, {rows} rows restored into {name}; {len(differences)} differ")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
