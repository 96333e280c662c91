"""Deadlines end to end: reminder digests reach a real SMTP server on loopback, and two worker processes share
one PostgreSQL job queue without doing a job twice."""
import email
import email.policy
import os
import re
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections import defaultdict

import pytest
import requests
from aiosmtpd.controller import Controller

from conftest import BINARY, POSTGRES_URL, ROOT, Server, fresh_postgres_database, free_port


class Sink:
    """An SMTP server that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


def test_reminders_reach_the_mail_server_once_per_person_with_the_right_reports(smtp_sink):
    sink, port = smtp_sink
    with tempfile.TemporaryDirectory(prefix="tanggap-e2e-") as data_dir:
        server = Server("sqlite", data_dir, {
            "TANGGAP_SMTP_HOST": "127.0.0.1", "TANGGAP_SMTP_PORT": str(port), "TANGGAP_SMTP_FROM": "tanggap@pemkab.test",
            "TANGGAP_WORKERS": "2"})
        server.start()
        try:
            # The demo holds reports that are already late; the first sweep after start finds them.
            wait_until_all_mailed(sink, os.path.join(data_dir, "tanggap.sqlite"), timeout=120)
            assert sink.messages, server.log()[-3000:]
            by_person = defaultdict(list)
            notices = []
            for recipients, message in sink.messages:
                if "perlu perhatian" not in message["Subject"]:
                    notices.append((recipients, message))  # a reporter hearing of their own report, not a reminder
                    continue
                for to in recipients:
                    by_person[to].append(message)
            # The demo citizen's answered reports complete when their reply window closes: one e-mail each.
            assert all(recipients == ["warga@tanggap.test"] for recipients, _ in notices)
            subjects = [message["Subject"] for _, message in notices]
            assert len(subjects) == len(set(subjects)) and all(s.startswith("[Tanggap ") for s in subjects)
            assert all(len(messages) == 1 for messages in by_person.values()), {k: len(v) for k, v in by_person.items()}
            assert "penghubung.pupr@tanggap.test" in by_person

            # The liaison's digest lists exactly the reports their reminders are about.
            digest = by_person["penghubung.pupr@tanggap.test"][0]
            assert digest["From"] == "Tanggap <tanggap@pemkab.test>"
            assert "laporan perlu perhatian" in digest["Subject"]
            body = digest.get_content()
            mailed = set(re.findall(r"\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b", body))
            token = server.token("penghubung.pupr@tanggap.test")
            notes = requests.get(server.url + "/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
            assert mailed == {item["tracking_id"] for item in notes["items"]} and mailed

            # Nothing new happens: nothing is sent again.
            before = len(sink.messages)
            time.sleep(4)
            assert len(sink.messages) == before
        finally:
            server.stop()


def wait_until_all_mailed(sink, database, timeout):
    """Waits until reminders exist, none is waiting for its e-mail, and no digest job is left to run."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            reminders = db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0]
            unmailed = db.execute("SELECT COUNT(*) FROM notifications WHERE emailed_at IS NULL").fetchone()[0]
            pending = db.execute("SELECT COUNT(*) FROM jobs WHERE kind = 'email.digest' AND state IN ('queued', 'running')").fetchone()[0]
        if reminders and not unmailed and not pending and sink.messages:
            return
        time.sleep(1)


@pytest.mark.skipif(not POSTGRES_URL, reason="needs the throw-away PostgreSQL (TANGGAP_E2E_POSTGRES_URL)")
def test_two_worker_processes_share_ten_thousand_jobs_without_doing_one_twice():
    env = dict(os.environ, TANGGAP_DATABASE_URL=fresh_postgres_database(), TANGGAP_LOG_LEVEL="warning")
    subprocess.run([BINARY, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    workers = [subprocess.Popen([BINARY, "worker", "--loops", "2"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    try:
        probe = subprocess.run([BINARY, "jobs", "probe", "--count", "10000", "--wait", "--timeout", "900"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=1000)
        print(probe.stdout)
        assert probe.returncode == 0, probe.stdout + probe.stderr
        assert "10000/10000 jobs ran" in probe.stdout and "run more than once: 0; dead: 0" in probe.stdout
        pids = {str(worker.pid) for worker in workers}
        seen = set(re.findall(r":(\d+):\d+: \d+", probe.stdout))
        assert pids <= seen, f"both processes took jobs: {seen} vs {pids}"
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            assert worker.wait(timeout=30) == 0
