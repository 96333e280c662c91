"""A PostgreSQL server of a test's own on loopback, which the test may stop, start again, copy into a streaming
standby and promote: the faults an operator's database goes through, made on purpose."""
import glob
import os
import shutil
import subprocess
import time

from conftest import free_port

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else ""


def as_owner(*command, check=True):
    """PostgreSQL refuses to run as root: when the test is root, its commands run as `postgres`."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    return subprocess.run(prefix + list(command), check=check, capture_output=True, text=True)


class Cluster:
    """One PostgreSQL server in `folder`, on a port of its own."""

    def __init__(self, folder, port=None):
        self.folder = folder
        self.data = os.path.join(folder, "data")
        self.port = port or free_port()
        os.makedirs(folder, exist_ok=True)
        if os.getuid() == 0:
            shutil.chown(folder, "postgres")
            os.chmod(os.path.dirname(os.path.abspath(folder)), 0o755)  # a temporary folder is root's alone

    def init(self):
        as_owner(f"{BIN}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        with open(os.path.join(self.data, "pg_hba.conf"), "a") as f:
            f.write("host replication postgres 127.0.0.1/32 trust\n")
        return self

    def start(self):
        as_owner(f"{BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.folder, "server.log"), "-w", "start", "-o",
                 f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                 "-c wal_level=replica -c max_wal_senders=4 -c hot_standby=on" + ("" if os.environ.get("PG_DURABLE") else " -c fsync=off -c full_page_writes=off"))
        return self

    def stop(self, mode="fast"):
        """`immediate` is a crash as far as clients can tell: every connection is cut, nothing is said goodbye."""
        as_owner(f"{BIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def standby(self, folder):
        """A streaming copy of this server in `folder`, started, following this one until promoted."""
        copy = Cluster(folder)
        as_owner(f"{BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-D", copy.data,
                 "-R", "-X", "stream", "--no-sync")
        return copy.start()

    def promote(self):
        as_owner(f"{BIN}/pg_ctl", "-D", self.data, "-w", "promote")

    def sql(self, statement, database="postgres"):
        return subprocess.run(["psql", self.url(database), "-tAq", "-c", statement], check=True, capture_output=True,
                              text=True).stdout.strip()

    def url(self, database="tanggap"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if subprocess.run([f"{BIN}/pg_isready", "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not come back")

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
