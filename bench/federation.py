#!/usr/bin/env python3
"""Hand-overs between two instances: the origin (Kabupaten Garut) dispatches reports to its node that stands for the
national instance at a steady rate for a while; each dispatch writes a `report.handover` to the federation outbox,
which the courier delivers to the national instance's inbox, where it becomes a report of its own (and a
`report.accepted` and a `report.status` come back). Prints the rate asked for and reached, the delivery lag of each
hand-over (written at the origin → applied at the receiver) as p50 / p95 / max, and the outbox's depth second by
second, both ways.

    bench/federation.py [RATE] [SECONDS] [sqlite|postgres] [peer|local] [sqlite|postgres]
                                                        default: 100 60 sqlite peer sqlite

The third argument is the receiver's database, the fifth the origin's. `local` is the floor to set the hand-overs
against: the same dispatches, to the same node, with no peer linked to it (nothing crosses); `spread` is `local`
dispatching round the whole demo tree instead of to one node, to see whether one node's rows are what serialise it.

Uses a built binary (TANGGAP_BIN, default the release build); postgres needs TANGGAP_E2E_POSTGRES_URL. The reports are
filed and verified before the clock starts, so that the minute measures the hand-over alone."""
import concurrent.futures
import datetime
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Tests", "e2e"))
os.environ.setdefault("TANGGAP_BIN", os.path.join(HERE, "..", ".build", "release", "tanggap"))

import requests  # noqa: E402

from conftest import Server  # noqa: E402
from peers import link  # noqa: E402
from portal import Officer  # noqa: E402

ADMIN = "admin@tanggap.test"


def start(engine, name):
    srv = Server(engine, tempfile.mkdtemp(prefix="tanggap-bench-"),
                 {"TANGGAP_INSTANCE_NAME": name, "TANGGAP_DEMO": "always", "TANGGAP_DEMO_REPORTS": "0",
                  "TANGGAP_JOB_BACKOFF_SECONDS": "1"})
    srv.env["TANGGAP_PUBLIC_URL"] = srv.url
    return srv.start()


def rows(srv, query):
    """Rows of the instance's own database (read-only for SQLite; psql for PostgreSQL)."""
    url = srv.env.get("TANGGAP_DATABASE_URL")
    if url:
        out = subprocess.run(["psql", url, "-AtF", "\t", "-c", query], capture_output=True, text=True, check=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]
    with sqlite3.connect(f"file:{os.path.join(srv.data_dir, 'tanggap.sqlite')}?mode=ro", uri=True) as db:
        return [[str(v) for v in row] for row in db.execute(query)]


def moment(value):
    """A stored time as seconds since 1970: SQLite keeps Fluent's dates as seconds since 2001 or as text."""
    try:
        number = float(value)
        return number + 978_307_200 if number < 1_000_000_000 else number
    except ValueError:
        return datetime.datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00")).timestamp()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    rate = float(sys.argv[1]) if len(sys.argv) > 1 else 100
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    engine = sys.argv[3] if len(sys.argv) > 3 else "sqlite"
    mode = sys.argv[4] if len(sys.argv) > 4 else "peer"
    crossing = mode == "peer"
    origin_engine = sys.argv[5] if len(sys.argv) > 5 else "sqlite"
    origin, national = start(origin_engine, "Kabupaten Garut"), start(engine, "SP4N-LAPOR! Nasional")
    try:
        peer = None
        if crossing:
            link(national, origin, "Pemerintah Kabupaten Garut")
            peer = link(origin, national, "Kementerian Kesehatan")["id"]
        admin = Officer(origin, ADMIN)
        node = admin.institution("Kementerian Kesehatan")
        nodes = [node]
        if mode == "spread":
            listed = requests.get(origin.url + "/api/v1/institutions", params={"limit": 200}, headers=admin.headers, timeout=30)
            nodes = [item["id"] for item in listed.json()["items"] if item.get("parent_id")]
        session = requests.Session()
        session.headers.update(admin.headers)

        def prepare(n):
            reply = session.post(origin.url + "/api/v1/reports", timeout=30, json={
                "title": f"Laporan lintas instansi {n}", "body": "Stok vaksin program nasional tidak datang bulan ini.",
                "reporter_name": "Warga Bench"})
            tracking_id = reply.json()["tracking_id"]
            assert session.post(f"{origin.url}/api/v1/reports/{tracking_id}/verify", json={}, timeout=30).status_code == 200
            return tracking_id

        count = int(rate * seconds)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            cases = list(pool.map(prepare, range(count)))

        depth = []  # (second, queued at the origin, queued at the receiver)
        stop = threading.Event()

        def sample():
            begun = time.time()
            while not stop.is_set():
                def queued(srv):
                    items = requests.get(srv.url + "/api/v1/federation/peers", headers=Officer(srv, ADMIN).headers,
                                         timeout=30).json()["items"]
                    return sum(p.get("queued") or 0 for p in items)
                depth.append((time.time() - begun, queued(origin), queued(national)))
                time.sleep(1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        failures = []

        def dispatch(n, tracking_id):
            target = nodes[n % len(nodes)]
            reply = session.post(f"{origin.url}/api/v1/reports/{tracking_id}/dispatch", json={"institution_id": target}, timeout=30)
            if reply.status_code != 200:
                failures.append(reply.status_code)

        begun = time.time()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            for n, tracking_id in enumerate(cases):
                wait = begun + n / rate - time.time()
                if wait > 0:
                    time.sleep(wait)
                pool.submit(dispatch, n, tracking_id)
        offered_for = time.time() - begun
        if not crossing:
            print(f"| dispatches asked, no peer, to {len(nodes)} node(s) | dispatched in (s) | rate reached (/s) | failed |")
            print("|---|---|---|---|")
            print(f"| {count} | {offered_for:.1f} | {count / offered_for:.1f} | {len(failures)} {sorted(set(failures))} |")
            stop.set()
            sampler.join()
            return
        deadline = time.time() + 600
        while time.time() < deadline:
            left = rows(origin, f"SELECT COUNT(*) FROM federation_outbox WHERE peer_id = {peer} AND state = 'queued'")[0][0]
            back = rows(national, "SELECT COUNT(*) FROM federation_outbox WHERE state = 'queued'")[0][0]
            if left == "0" and back == "0":
                break
            time.sleep(0.5)
        drained_after = time.time() - begun
        time.sleep(1.5)
        stop.set()
        sampler.join()

        written = {event: moment(at) for event, at in rows(
            origin, "SELECT event_id, created_at FROM federation_outbox WHERE type = 'report.handover'")}
        applied = {event: moment(at) for event, at in rows(
            national, "SELECT event_id, received_at FROM federation_inbox WHERE type = 'report.handover'")}
        lags = [applied[e] - written[e] for e in written if e in applied]
        back_written = {event: moment(at) for event, at in rows(
            national, "SELECT event_id, created_at FROM federation_outbox")}
        back_applied = {event: moment(at) for event, at in rows(
            origin, "SELECT event_id, received_at FROM federation_inbox")}
        back_lags = [back_applied[e] - back_written[e] for e in back_written if e in back_applied]
        taken_in = int(rows(national, "SELECT COUNT(*) FROM reports WHERE channel = 'federation'")[0][0])

        print("| hand-overs asked | dispatched in (s) | rate reached (/s) | failed | taken in | drained after (s) |")
        print("|---|---|---|---|---|---|")
        print(f"| {count} | {offered_for:.1f} | {count / offered_for:.1f} | {len(failures)} | {taken_in} | {drained_after:.1f} |")
        print()
        print("| lag, written → applied (s) | events | p50 | p95 | max |")
        print("|---|---|---|---|---|")
        for name, values in (("hand-over, origin → national", lags), ("accepted + status, national → origin", back_lags)):
            if values:
                print(f"| {name} | {len(values)} | {percentile(values, 50):.3f} | {percentile(values, 95):.3f} | {max(values):.3f} |")
        print()
        print("| second | queued at the origin | queued at the national instance |")
        print("|---|---|---|")
        step = max(1, len(depth) // 20)
        for second, out, back in depth[::step]:
            print(f"| {second:.0f} | {out} | {back} |")
        print(f"\nmean lag {statistics.mean(lags):.3f} s over {len(lags)} hand-overs; {count - len(lags)} not applied")
    finally:
        origin.stop()
        national.stop()


if __name__ == "__main__":
    main()
