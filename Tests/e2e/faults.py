"""Faults made on purpose under load, each returning what happened: the load's answers, what is stored afterwards,
how long recovery took. `test_faults.py` asserts on them; `bench/faults` prints them as a table."""
import os
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field

from conftest import Server, free_port
from load import Load, ready, wait_for
from pg_cluster import Cluster
from test_scale_out import Nginx

DEADLINE = 5  # TANGGAP_DATABASE_DEADLINE_SECONDS for these servers
# A small demo: the faults are about intake under load, not about what is already in the database.
FAST = {"TANGGAP_DATABASE_DEADLINE_SECONDS": str(DEADLINE), "TANGGAP_WORKERS": "1", "TANGGAP_DEMO_REPORTS": "20"}


@dataclass
class Outcome:
    load: Load
    stored: set = field(default_factory=set)
    recovered: float = None        # seconds from the fault's end to the first report accepted again
    ready_during: list = field(default_factory=list)  # /readyz failing on every server, sampled during the fault
    logs: list = field(default_factory=list)
    exit_codes: list = field(default_factory=list)
    stop_seconds: float = None
    integrity: str = None
    orphans: int = None
    missing_files: int = None
    refusals_while_full: int = None
    proxy_gave_up: int = 0

    @property
    def lost(self):
        return len(self.load.acknowledged() - self.stored)


def postgres_server(folder, url, extra=None):
    data = os.path.join(folder, "server-" + str(free_port()))
    os.makedirs(data)
    # Built as for SQLite, then pointed at the fault's own PostgreSQL (not the suite's shared one).
    srv = Server("sqlite", data, dict(FAST, TANGGAP_DATABASE_URL=url, TANGGAP_MIGRATE_ON_START="true", **(extra or {})))
    srv.engine = "postgres"
    return srv


def stored_postgres(url):
    out = subprocess.run(["psql", url, "-tAq", "-c", "SELECT tracking_id FROM reports"], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def stored_sqlite(data):
    database = sqlite3.connect(os.path.join(data, "tanggap.sqlite"))
    try:
        return ({row[0] for row in database.execute("SELECT tracking_id FROM reports")},
                database.execute("PRAGMA integrity_check").fetchone()[0],
                {row[0] for row in database.execute("SELECT storage_key FROM attachments")})
    finally:
        database.close()


def new_primary(folder):
    cluster = Cluster(os.path.join(folder, "primary")).init().start()
    cluster.sql("CREATE DATABASE tanggap")
    return cluster


def postgres_restart(folder, servers=1, outage=10):
    """PostgreSQL stopped as by a crash (`-m immediate`) for `outage` seconds under load, then started again."""
    pg = new_primary(folder)
    started, proxy, outcome = [], None, None
    try:
        for n in range(servers):
            started.append(postgres_server(folder, pg.url(), {"TANGGAP_DEMO": "always" if n == 0 else "never"}).start())
        if servers > 1:
            os.makedirs(os.path.join(folder, "nginx"))
            proxy = Nginx(os.path.join(folder, "nginx"), free_port(), [s.port for s in started])
        with Load(proxy.url if proxy else started[0].url, clients=4) as load:
            time.sleep(8)
            pg.stop("immediate")
            readiness = []
            until = time.time() + outage
            while time.time() < until:
                readiness.append(all(not ready(s.url) for s in started))
                time.sleep(0.5)
            pg.start()
            pg.wait_ready()
            back = time.time()
            wait_for(lambda: load.first_accepted_after(back) is not None, 20, "a report accepted after PostgreSQL came back")
            time.sleep(12)
        outcome = Outcome(load, stored=stored_postgres(pg.url()), recovered=load.first_accepted_after(back) - back,
                          ready_during=readiness[1:])
        wait_for(lambda: all(ready(s.url) for s in started), 10, "/readyz passing again")
        if proxy:
            outcome.proxy_gave_up = sum(1 for line in proxy.upstream_log() if line[0] in ("502", "504"))
        return outcome
    finally:
        if proxy:
            proxy.stop()
        for srv in started:
            code = srv.stop()
            if outcome:
                outcome.exit_codes.append(code)
                outcome.logs.append(srv.log())
        pg.stop("immediate")


def postgres_failover(folder):
    """The primary crashes under load and its streaming standby is promoted; Tanggap lists both hosts."""
    pg = new_primary(folder)
    standby = pg.standby(os.path.join(folder, "standby"))
    both = f"postgres://postgres@127.0.0.1:{pg.port},127.0.0.1:{standby.port}/tanggap?sslmode=disable&target_session_attrs=read-write"
    srv = postgres_server(folder, both, {"TANGGAP_DEMO": "always"}).start()
    outcome = None
    try:
        with Load(srv.url, clients=4) as load:
            time.sleep(6)
            pg.stop("immediate")
            time.sleep(2)
            standby.promote()
            promoted = time.time()
            wait_for(lambda: load.first_accepted_after(promoted) is not None, 20, "a report accepted by the promoted standby")
            time.sleep(6)
        wait_for(lambda: ready(srv.url), 10, "/readyz passing on the new primary")
        # Every report acknowledged must be on the new primary: those from before came over by streaming.
        outcome = Outcome(load, stored=stored_postgres(standby.url()), recovered=load.first_accepted_after(promoted) - promoted)
        return outcome
    finally:
        code = srv.stop()
        if outcome:
            outcome.exit_codes, outcome.logs = [code], [srv.log()]
        standby.stop("immediate")
        pg.stop("immediate")


def sqlite_disk_full(folder, size_mb=48):
    """The data folder is a small tmpfs (made as root); it is filled to the last byte under load, then freed."""
    data = os.path.join(folder, "data")
    os.makedirs(data)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", data], check=True)
    try:
        srv = Server("sqlite", data, FAST).start()
        filler = os.path.join(data, "filler")
        try:
            with Load(srv.url, clients=4, files=True) as load:
                time.sleep(3)
                with open(filler, "wb") as f:
                    try:
                        while True:
                            f.write(b"\0" * (1 << 20))
                            f.flush()
                    except OSError:
                        pass
                time.sleep(6)
                while_full = len(load.refused())
                os.remove(filler)
                freed = time.time()
                wait_for(lambda: load.first_accepted_after(freed) is not None, 10, "a report accepted once space was freed")
                time.sleep(2)
            wait_for(lambda: ready(srv.url), 10, "/readyz after space was freed")
        finally:
            code = srv.stop()
        stored, integrity, keys = stored_sqlite(data)
        on_disk = {name for _, _, names in os.walk(os.path.join(data, "attachments")) for name in names}
        return Outcome(load, stored=stored, recovered=load.first_accepted_after(freed) - freed, integrity=integrity,
                       orphans=len(on_disk - keys), missing_files=len(keys - on_disk), refusals_while_full=while_full,
                       exit_codes=[code])
    finally:
        subprocess.run(["umount", "-l", data], check=False)


def signalled_under_load(folder, sig):
    """Sends `sig` to a SQLite server four clients are submitting to; returns its folder, the load, the exit code
    and how long the process took to end."""
    data = os.path.join(folder, "data")
    os.makedirs(data)
    srv = Server("sqlite", data, FAST).start()
    with Load(srv.url, clients=4) as load:
        time.sleep(4)
        sent = time.time()
        srv.process.send_signal(sig)
        code = srv.process.wait(timeout=30)
        took = time.time() - sent
    srv.stop()
    return data, load, code, took


def sigterm(folder):
    """SIGTERM while four clients submit: the process stops within its bound, and what it acknowledged is stored."""
    data, load, code, took = signalled_under_load(folder, signal.SIGTERM)
    stored, integrity, _ = stored_sqlite(data)
    return Outcome(load, stored=stored, stop_seconds=took, exit_codes=[code], integrity=integrity)


def kill_9(folder):
    """SIGKILL while four clients submit, then a start on the same folder: nothing acknowledged is missing."""
    data, load, _, _ = signalled_under_load(folder, signal.SIGKILL)
    killed = time.time()
    again = Server("sqlite", data, FAST).start()
    try:
        recovered = time.time() - killed
        stored, integrity, _ = stored_sqlite(data)
        return Outcome(load, stored=stored, integrity=integrity, recovered=recovered)
    finally:
        again.stop()
