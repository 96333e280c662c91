"""Writes N open reports straight into a Tanggap database, for benchmarks of the SLA sweep.

    python3 bench/seed_open_reports.py --engine sqlite --db data/tanggap.sqlite --count 1000000 --due 5000

The database must already hold the institution tree (`tanggap seed-demo --reports 0`). `--due` of the
reports have a check that is already due (they turn yellow in the next sweep); the rest are due in the next
30 days. Rows are written with the database's fastest bulk path (one transaction in SQLite, COPY in
PostgreSQL); this is set-up, not what is measured.
"""
import argparse
import csv
import io
import random
import sqlite3
import subprocess
import time
from datetime import datetime, timezone

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

COLUMNS = [
    "tracking_id", "original_title", "original_classification", "body", "title", "classification", "tags",
    "holder_id", "holder_path", "state", "is_verified", "is_escalated", "is_anonymous", "is_confidential", "is_public",
    "channel", "created_at", "updated_at", "dispatched_at", "verified_at", "event_count", "version", "ladder_rung",
    "sla_stage", "stage_started_at", "stage_due_at", "yellow_at", "sla_light", "case_due_at", "sla_next_check_at",
]


def tracking_id(rng):
    digits = [rng.randrange(31) for _ in range(9)]
    check = sum((i + 1) * d for i, d in enumerate(digits)) % 31
    return "".join(ALPHABET[d] for d in digits + [check])


# A lifetime mix for office benchmarks: most reports done, some open, a long tail late.
MIX = [("completed", 60), ("answered", 10), ("dispatched", 15), ("received", 5), ("on_hold", 5), ("archived", 5)]
MIX_COLUMNS = ["first_answered_at", "first_answer_late", "completed_at", "rating", "held_at", "first_answer_working_days"]


def mixed(count, holders, now, rng):
    """Reports in every state, with the columns dashboards read."""
    states = [state for state, weight in MIX for _ in range(weight)]
    base = rows(count, 0, holders, now, rng)
    for index, row in enumerate(base):
        state = states[rng.randrange(len(states))]
        created = now - rng.uniform(1, 365) * 86400
        row[16] = row[17] = row[18] = row[19] = created            # created, updated, dispatched, verified
        row[9] = state
        answered = created + rng.uniform(0.2, 9) * 86400 if state in ("completed", "answered") else None
        late = (rng.random() < 0.15) if answered else None
        extra = [answered, late, answered + 86400 if state == "completed" else None,
                 rng.choice(["very_satisfied", "satisfied", "fairly_satisfied", "not_satisfied"]) if state == "completed" and rng.random() < 0.4 else None,
                 now - 86400 if state == "on_hold" else None,
                 int((answered - created) / 86400 * 5 / 7) if answered else None]   # about five working days a week
        if state in ("completed", "archived"):
            row[23:30] = [None, None, None, None, None, None, None]
        elif state == "answered":
            row[23:30] = ["reply", answered, answered + 10 * 86400, None, "green", None, answered + 10 * 86400]
        else:
            stage = "triage" if state == "received" else "answer"
            due_at = now + rng.uniform(-20, 10) * 86400
            row[23:30] = [stage, created, due_at, due_at - 86400, "red" if due_at < now else "green", created + 60 * 86400, due_at]
        if state == "archived":
            row[14] = True
        yield row + extra


def rows(count, due, holders, now, rng):
    seen = set()
    titles = ["Jalan berlubang", "Lampu jalan mati", "Antrean puskesmas lama", "KTP belum jadi", "Sampah menumpuk"]
    for index in range(count):
        tid = tracking_id(rng)
        while tid in seen:
            tid = tracking_id(rng)
        seen.add(tid)
        holder_id, path = holders[index % len(holders)]
        created = now - rng.uniform(1, 20) * 86400
        if index < due:
            check = now - rng.uniform(60, 86400)          # already due: turns yellow in the next sweep
        else:
            check = now + rng.uniform(3600, 30 * 86400)   # later
        title = f"{titles[index % len(titles)]} #{index}"
        yield [tid, title, "pengaduan", "Laporan uji beban untuk penyapu tenggat.", title, "pengaduan", "[]",
               holder_id, path, "dispatched", True, False, False, False, True,
               "web", created, created, created, created, 1, 1, 0,
               "answer", created, check + 86400, check, "green", created + 60 * 86400, check]


def add_units(db, per_regency):
    """Units under every regency and city, so the tree has the size of a real province's."""
    names = ["Dinas Kesehatan", "Dinas Pendidikan", "Dinas PUPR", "Dinas Sosial", "Dinas Perhubungan", "Disdukcapil",
             "Dinas Lingkungan Hidup", "Satpol PP", "Dinas Pertanian", "Dinas Perdagangan", "BPBD", "Dinas Kominfo",
             "Dinas Perumahan", "Dinas Tenaga Kerja"]
    regencies = db.execute("SELECT id, path, depth FROM institutions WHERE kind IN ('regency', 'city')").fetchall()
    for regency_id, path, depth in regencies:
        existing = db.execute("SELECT COUNT(*) FROM institutions WHERE parent_id = ?", (regency_id,)).fetchone()[0]
        for name in names[:max(0, per_regency - existing)]:
            cursor = db.execute("INSERT INTO institutions (parent_id, name, kind, path, depth, is_active, created_at) "
                                "VALUES (?, ?, 'unit', ?, ?, 1, ?)", (regency_id, name, f"/pending-{regency_id}-{name}/", depth + 1, time.time()))
            db.execute("UPDATE institutions SET path = ? WHERE id = ?", (f"{path}{cursor.lastrowid}/", cursor.lastrowid))


def seed_sqlite(path, count, due, now, rng, mix=False, units=0):
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    if units:
        add_units(db, units)
    holders = db.execute("SELECT id, path FROM institutions WHERE kind IN ('unit', 'subunit', 'regency', 'city')").fetchall()
    columns = COLUMNS + (MIX_COLUMNS if mix else [])
    placeholders = ",".join("?" * len(columns))
    source = mixed(count, holders, now, rng) if mix else rows(count, due, holders, now, rng)
    db.executemany(f"INSERT INTO reports ({','.join(columns)}) VALUES ({placeholders})",
                   ([int(v) if isinstance(v, bool) else v for v in row] for row in source))
    # Staff see reports by the route they took: each seeded report has been held where it is now.
    db.execute("INSERT INTO report_routes (report_id, institution_id, path, first_held_at) "
               "SELECT id, holder_id, holder_path, created_at FROM reports WHERE id NOT IN (SELECT report_id FROM report_routes)")
    db.commit()
    db.execute("ANALYZE")
    db.close()


def seed_postgres(url, count, due, now, rng):
    holders = [tuple(line.split("|")) for line in subprocess.run(
        ["psql", url, "-At", "-c", "SELECT id, path FROM institutions WHERE kind IN ('unit', 'subunit', 'regency', 'city')"],
        check=True, capture_output=True, text=True).stdout.split()]
    holders = [(int(i), p) for i, p in holders]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    stamp = lambda seconds: datetime.fromtimestamp(seconds, timezone.utc).isoformat()
    for row in rows(count, due, holders, now, rng):
        writer.writerow([stamp(v) if isinstance(v, float) else ("t" if v is True else "f" if v is False else v) for v in row])
    subprocess.run(["psql", url, "-q", "-c", f"\\copy reports ({','.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)"],
                   input=buffer.getvalue(), check=True, text=True)
    subprocess.run(["psql", url, "-q", "-c", "ANALYZE reports"], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--mix", action="store_true", help="reports in every state (SQLite only)")
    parser.add_argument("--units-per-regency", type=int, default=0, help="add units under each regency and city (SQLite only)")
    args = parser.parse_args()
    rng = random.Random(20261123)
    started = time.time()
    if args.engine == "sqlite":
        seed_sqlite(args.db, args.count, args.due, time.time(), rng, mix=args.mix, units=args.units_per_regency)
    else:
        seed_postgres(args.db, args.count, args.due, time.time(), rng)
    print(f"seeded {args.count} open reports ({args.due} due now) in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
