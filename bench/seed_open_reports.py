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


def seed_sqlite(path, count, due, now, rng):
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    holders = db.execute("SELECT id, path FROM institutions WHERE kind IN ('unit', 'subunit', 'regency', 'city')").fetchall()
    placeholders = ",".join("?" * len(COLUMNS))
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO reports ({','.join(COLUMNS)}) VALUES ({placeholders})",
                   ([int(v) if isinstance(v, bool) else v for v in row] for row in rows(count, due, holders, now, rng)))
    db.commit()
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
    args = parser.parse_args()
    rng = random.Random(20261123)
    started = time.time()
    (seed_sqlite if args.engine == "sqlite" else seed_postgres)(args.db, args.count, args.due, time.time(), rng)
    print(f"seeded {args.count} open reports ({args.due} due now) in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
