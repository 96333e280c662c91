"""Every report the server acknowledged must be in the database: reads the load logs (one line per answer:
"ok <Location>" or "failed <status>") and looks each tracking ID up.

    python3 bench/acknowledged.py DATABASE LOG [LOG ...]

DATABASE is a SQLite file or a postgres:// URL (read with psql). Prints one line and exits non-zero when an
acknowledged report is missing.
"""
import re
import sqlite3
import subprocess
import sys


def stored_ids(database):
    query = "SELECT tracking_id FROM reports"
    if database.startswith("postgres"):
        out = subprocess.run(["psql", database, "-Atc", query], check=True, capture_output=True, text=True).stdout
        return set(out.split())
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute(query)}


def acknowledged(logs):
    ids, failed = [], 0
    for log in logs:
        for line in open(log, encoding="utf-8"):
            if line.startswith("ok "):
                # /api/v1/reports/ABCDE1234 or /lapor/terkirim/ABCDE-1234: the stored form has no dash.
                ids.append(re.sub(r"[^A-Z0-9]", "", line.rsplit("/", 1)[1].upper()))
            elif line.startswith("failed "):
                failed += 1
    return ids, failed


def main():
    database, logs = sys.argv[1], sys.argv[2:]
    ids, failed = acknowledged(logs)
    stored = stored_ids(database)
    missing = [i for i in ids if i not in stored]
    print(f"acknowledged {len(ids)}, refused {failed}, missing from the database {len(missing)}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
