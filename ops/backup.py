"""Back up the registry's PostgreSQL database: a pg_dump custom-format file plus its row counts.

    DATABASE_URL=postgres://… python ops/backup.py --out /var/backups/cctv

Writes cctv-YYYYMMDD-HHMMSS.dump and, beside it, .counts.json: the exact number of rows in every
table, counted in the same database snapshot that pg_dump copies (pg_dump --snapshot), so that
`ops/restore_check.py` can prove a restore is complete. Prints the two paths.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
from psycopg2 import sql


def connect(url):
    return psycopg2.connect(url)


def table_counts(cursor):
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def backup(url, out):
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"cctv-{datetime.datetime.now():%Y%m%d-%H%M%S}"
    dump, counts_file = stem.with_suffix(".dump"), stem.with_suffix(".counts.json")
    conn = connect(url)
    conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor)
            # The dump reads the same snapshot while this transaction stays open.
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={dump}", url],
                check=True,
            )
    finally:
        conn.rollback()
        conn.close()
    counts_file.write_text(json.dumps({"tables": counts, "dump": dump.name}, indent=1, sort_keys=True))
    return dump, counts_file


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the dump and its counts")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (or --database-url)")
    dump, counts = backup(args.database_url, args.out)
    print(dump)
    print(counts)


if __name__ == "__main__":
    main()
