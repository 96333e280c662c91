"""How the database runs what the pages ask of it: reads the SQL a server logged at trace level
(TANGGAP_LOG_LEVEL=trace), and for each distinct statement that reads reports, their events, routes or kept
figures, prints the engine's plan — so one can see each uses an index and none reads a whole table.

    python3 bench/plans.py LOG DATABASE        (DATABASE: a SQLite file or a postgres:// URL)

SQLite plans do not depend on the values bound (no statistics are gathered), so every parameter is bound to NULL.
PostgreSQL's do, so the logged values are put in as literals.
"""
import json
import re
import sqlite3
import subprocess
import sys

LINE = re.compile(r"binds=(\[.*?\]) database-id=\S+ .*?sql=(.*) \[(?:SQLiteKit|PostgresKit)\] Executing query$")
TABLES = re.compile(r'\b"?(reports|report_events|report_routes|report_tallies|reports_fts)"?\b')
FULL_SCAN = re.compile(r"^SCAN (reports|report_events|report_routes)\b|Seq Scan on (reports|report_events|report_routes)\b")


def statements(log):
    seen = {}
    for line in open(log, encoding="utf-8", errors="replace"):
        match = LINE.search(line.rstrip("\n"))
        if not match or not match.group(2).lstrip().upper().startswith("SELECT") or not TABLES.search(match.group(2)):
            continue
        sql = match.group(2)
        shape = re.sub(r"\b(LIMIT|OFFSET) \d+", r"\1 n", sql)
        if shape not in seen:
            try:
                binds = json.loads(match.group(1))
            except ValueError:
                binds = None
            seen[shape] = (sql, binds)
    return list(seen.values())


def sqlite_plan(connection, sql):
    count = max([int(n) for n in re.findall(r"\?(\d+)", sql)] + [sql.count("?")])
    rows = connection.execute("EXPLAIN QUERY PLAN " + sql, [None] * count).fetchall()
    return [("  " * (depth_of(rows, row))) + row[3] for row in rows]


def depth_of(rows, row):
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent:
        depth, parent = depth + 1, parents.get(parent, 0)
    return depth


def postgres_plan(url, sql, binds):
    if binds is None:
        return ["(values not logged)"]
    for n in range(len(binds), 0, -1):
        value = binds[n - 1]
        sql = sql.replace(f"${n}", "NULL" if value is None else "'" + str(value).replace("'", "''") + "'")
    out = subprocess.run(["psql", url, "-XAtc", "EXPLAIN " + sql], capture_output=True, text=True)
    return out.stdout.splitlines() if out.returncode == 0 else ["(could not explain: " + out.stderr.strip().splitlines()[-1] + ")"]


def main():
    log, database = sys.argv[1], sys.argv[2]
    connection = None if database.startswith("postgres") else sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    scans = 0
    for sql, binds in statements(log):
        plan = postgres_plan(database, sql, binds) if connection is None else sqlite_plan(connection, sql)
        probe = re.fullmatch(r"SELECT 1 AS n FROM \w+ LIMIT 1", sql)  # "is there any row?" stops at the first
        scans += 0 if probe else sum(1 for line in plan if FULL_SCAN.search(line.strip()))
        print("```")
        print(sql if len(sql) <= 400 else sql[:400] + " …")
        for line in plan:
            print("  " + line)
        print("```")
    print(f"\nplans that read a whole reports, events or routes table: {scans}")


if __name__ == "__main__":
    main()
