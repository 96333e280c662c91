"""SQLite alone, storing new reports the way intake's group commit does — groups of 25, one multi-row INSERT for the
reports (RETURNING their ids) and one for their first events, then a durable COMMIT (WAL, synchronous=FULL) — with
no server, no driver and no Swift in the way. Prints the CPU and the wall time per report for the reports table as
it is, without its full-text triggers, and without any of its own indexes, each on a fresh copy of DATABASE.

    python bench/db_floor.py DATABASE [GROUPS]        (DATABASE: a SQLite file `tanggap generate` wrote)

Needs an SQLite as new as the server's (FTS5 with contentless_delete): pysqlite3-binary from PyPI.
"""
import os
import random
import resource
import shutil
import sys
import tempfile
import time

import pysqlite3 as sqlite3

GROUP = 25
WORDS = "jalan lampu sampah banjir rusak padam warga mohon segera gang pasar sekolah air listrik".split()
KEPT_TRIGGERS = {"reports_keep_original", "reports_no_delete"}  # rules, not indexes: every variant keeps them


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def strip(db, variant):
    """Drops what the variant leaves out: the full-text triggers, then also the reports table's own indexes."""
    if variant == "as kept":
        return
    for name, kind in db.execute(
            "SELECT name, type FROM sqlite_master WHERE tbl_name = 'reports' AND name NOT LIKE 'sqlite_autoindex%'"
            " AND type IN ('index', 'trigger')").fetchall():
        if kind == "trigger" and name not in KEPT_TRIGGERS:
            db.execute(f"DROP TRIGGER {name}")
        if kind == "index" and variant == "without indexes":
            db.execute(f"DROP INDEX {name}")


def store(db, groups):
    """Writes `groups` groups of new reports, each a copy of a stored open report with its own tracking ID and title.
    Returns how many, and the CPU seconds Python spent building their values (left out of the figures)."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(reports)") if row[1] != "id"]
    templates = db.execute(f"SELECT {', '.join(columns)} FROM reports WHERE state = 'received' LIMIT 200").fetchall()
    event_columns = [row[1] for row in db.execute("PRAGMA table_info(report_events)") if row[1] != "id"]
    event = db.execute(f"SELECT {', '.join(event_columns)} FROM report_events WHERE seq = 1 LIMIT 1").fetchone()
    tracking, title, report_id = columns.index("tracking_id"), columns.index("title"), event_columns.index("report_id")
    report_values = "(" + ", ".join("?" * len(columns)) + ")"
    event_values = "(" + ", ".join("?" * len(event_columns)) + ")"
    insert_reports = f"INSERT INTO reports ({', '.join(columns)}) VALUES {', '.join([report_values] * GROUP)} RETURNING id"
    insert_events = f"INSERT INTO report_events ({', '.join(event_columns)}) VALUES {', '.join([event_values] * GROUP)}"
    written, building = 0, 0.0
    for _ in range(groups):
        began = cpu_seconds()
        rows = []
        for _ in range(GROUP):
            row = list(random.choice(templates))
            row[tracking] = f"FLOOR{written:09d}"
            row[title] = " ".join(random.sample(WORDS, 5)) + f" {written}"
            rows.append(row)
            written += 1
        parameters = [value for row in rows for value in row]
        building += cpu_seconds() - began
        db.execute("BEGIN")
        ids = [row[0] for row in db.execute(insert_reports, parameters).fetchall()]
        began = cpu_seconds()
        events = []
        for new_id in ids:
            copy = list(event)
            copy[report_id] = new_id
            events += copy
        building += cpu_seconds() - began
        db.execute(insert_events, events)
        db.execute("COMMIT")
    return written, building


def main():
    source, groups = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300
    print("| reports table | SQLite's CPU µs per report | wall µs per report |")
    print("|---|---|---|")
    for variant in ("as kept", "without full-text triggers", "without indexes"):
        with tempfile.TemporaryDirectory() as work:
            path = os.path.join(work, "floor.sqlite")
            shutil.copyfile(source, path)
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            strip(db, variant)
            started, used = time.perf_counter(), cpu_seconds()
            written, building = store(db, groups)
            wall, used = time.perf_counter() - started, cpu_seconds() - used - building
            db.close()
        print(f"| {variant} | {used / written * 1e6:.0f} | {wall / written * 1e6:.0f} |")


if __name__ == "__main__":
    main()
