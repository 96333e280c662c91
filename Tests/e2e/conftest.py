"""Fixtures that run the real `tanggap` binary on loopback, on SQLite and (when one is given) PostgreSQL."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

import authenticator

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("TANGGAP_BIN", os.path.join(ROOT, ".build", "debug", "tanggap"))
POSTGRES_URL = os.environ.get("TANGGAP_E2E_POSTGRES_URL", "")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


METRICS_TOKEN = "e2e-metrics-token-" + uuid.uuid4().hex


class Server:
    """One `tanggap serve` process, with its own data folder (and its own PostgreSQL database)."""

    def __init__(self, engine, data_dir, env_extra=None):
        self.engine = engine
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        self.env.update({
            "TANGGAP_DATA_DIR": data_dir,
            "TANGGAP_BCRYPT_COST": "4",
            "TANGGAP_LOG_LEVEL": "warning",
            "TANGGAP_RATE_LIMIT_SUBMISSIONS": "1000000",
            "TANGGAP_RATE_LIMIT_LOGINS": "1000000",
            "TANGGAP_RATE_LIMIT_REPORTER_ACTIONS": "1000000",
            "TANGGAP_RATE_LIMIT_SECRET_CHECKS": "1000000",
            "TANGGAP_RATE_LIMIT_FLAGS": "1000000",
            "TANGGAP_METRICS_TOKEN": METRICS_TOKEN,
        })
        if engine == "postgres":
            self.env.update({"TANGGAP_DATABASE_URL": fresh_postgres_database(), "TANGGAP_DEMO": "always",
                             "TANGGAP_MIGRATE_ON_START": "true"})
        self.env.update(env_extra or {})
        self.process = None
        self.output_path = os.path.join(data_dir, "server.out")
        self.password = None
        self.first_start_log = None  # what the first start on this database printed, when that was another process

    def start(self, timeout=120):
        self.output = open(self.output_path, "ab")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self.output, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tanggap exited early:\n{self.log()}")
            try:
                if requests.get(self.url + "/readyz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"tanggap did not become ready:\n{self.log()}")
        match = re.search(r"password: (\S+)", self.log())
        if match:
            self.password = match.group(1)
        authenticator.same_deployment(self.url, (self.data_dir, self.env.get("TANGGAP_DATABASE_URL")))
        return self

    def log(self):
        with open(self.output_path, "r", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "output", None):
            self.output.close()
        return self.process.returncode if self.process else None

    def token(self, email="admin@tanggap.test"):
        """A bearer token for a demo account (a code from its authenticator where it needs a second factor)."""
        return authenticator.api_token(self.url, email, self.password)


def fresh_postgres_database(template=None):
    """A new database on the PostgreSQL server named by TANGGAP_E2E_POSTGRES_URL (a copy of `template`'s, if given)."""
    import urllib.parse
    parts = urllib.parse.urlsplit(POSTGRES_URL)
    name = "e2e_" + uuid.uuid4().hex[:10]
    copy = f" TEMPLATE {urllib.parse.urlsplit(template).path.lstrip('/')}" if template else ""
    subprocess.run(["psql", POSTGRES_URL, "-q", "-c", f"CREATE DATABASE {name}{copy}"], check=True, capture_output=True)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


ENGINES = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


class SeededDemo:
    """The full demo, seeded once per engine by a real first start of the binary, then copied for every server.

    Walking 360 reports through the lifecycle takes about a minute in a debug build; copying the database (a folder
    on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) takes a second. Every copy is a deployment of its own
    (its own port, folder, database and authenticator phones) that starts where a fresh demo stands.
    """

    _seeded = {}

    def __init__(self, engine):
        self.engine = engine
        self.folder = tempfile.mkdtemp(prefix="tanggap-demo-")
        first = Server(engine, self.folder).start()
        first.stop()
        self.password = first.password
        self.first_start_log = first.log()
        self.database_url = first.env.get("TANGGAP_DATABASE_URL")

    @classmethod
    def of(cls, engine):
        if engine not in cls._seeded:
            cls._seeded[engine] = cls(engine)
        return cls._seeded[engine]

    def copy(self, data_dir, env_extra=None):
        """A server, not yet started, whose data folder and database start as copies of the seeded demo."""
        shutil.copytree(self.folder, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("server.out"))
        srv = Server(self.engine, data_dir, env_extra)
        if self.engine == "postgres":
            srv.env["TANGGAP_DATABASE_URL"] = fresh_postgres_database(template=self.database_url)
        srv.password = self.password
        srv.first_start_log = self.first_start_log
        return srv


@pytest.fixture(params=ENGINES, scope="module")
def server(request):
    """A running Tanggap with the demo, on each database engine available."""
    with tempfile.TemporaryDirectory(prefix="tanggap-e2e-") as data_dir:
        srv = SeededDemo.of(request.param).copy(data_dir).start()
        yield srv
        srv.stop()


@pytest.fixture
def make_server():
    """Servers a test starts and stops itself; whatever is left running is stopped afterwards."""
    started = []

    def make(engine="sqlite", data_dir=None, env=None):
        folder = data_dir or tempfile.mkdtemp(prefix="tanggap-e2e-")
        srv = Server(engine, folder, env)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop(signal.SIGKILL)


def chromium(width=1280, language="id"):
    """Headless Debian chromium driven through chromedriver, in the given window width and language."""
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},900", f"--lang={language}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for a test module; each test starts it without cookies."""
    driver = chromium()
    yield driver
    driver.quit()
