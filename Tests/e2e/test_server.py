"""The server as an operator meets it: first start with a demo, health, durable intake, graceful stop."""
import re
import signal
import tempfile

import requests

from conftest import ENGINES


def test_a_fresh_start_brings_up_the_demo_and_prints_its_login(server):
    log = server.first_start_log or server.log()
    assert "Demo ready" in log and "admin@tanggap.test" in log and server.password
    me = requests.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {server.token()}"}, timeout=10).json()
    assert [role["role"] for role in me["roles"]] == ["national_admin"]
    reports = requests.get(server.url + "/api/v1/reports?limit=100",
                           headers={"Authorization": f"Bearer {server.token()}"}, timeout=10).json()
    assert len(reports["items"]) == 100 and reports.get("next_cursor")
    assert {item["state"] for item in reports["items"]} >= {"received", "dispatched", "answered", "completed"}


def test_a_start_says_one_line_per_notable_thing(make_server):
    """At the usual log level: one line for the whole schema, one for what runs where (never a password)."""
    for engine in ENGINES:
        env = {"TANGGAP_LOG_LEVEL": "info", "TANGGAP_DEMO": "never", "TANGGAP_WORKERS": "0"}
        srv = make_server(engine, env=env).start()
        srv.stop()
        log = srv.log()
        assert "[Migrator]" not in log and log.count("database schema brought up to date") == 1, log[:3000]
        assert re.search(r"M0001_CreateInstitutions … M\d{4}_", log), log
        started = [line for line in log.splitlines() if line.startswith("Tanggap ") and " listening on http://127.0.0.1:" in line]
        expected = " on SQLite " if engine == "sqlite" else " on PostgreSQL 127.0.0.1:"
        assert len(started) == 1 and expected in started[0], started
        assert "postgres@" not in log and "password" not in started[0]
        assert len(log.splitlines()) < 12, log


def test_health_and_readiness(server):
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"status": "ok"}
    assert requests.get(server.url + "/readyz", timeout=5).json()["database"] == "ok"


def test_an_acknowledged_report_survives_a_crash(make_server):
    with tempfile.TemporaryDirectory(prefix="tanggap-e2e-") as data_dir:
        small = {"TANGGAP_DEMO_REPORTS": "12"}
        first = make_server(data_dir=data_dir, env=small).start()
        receipt = requests.post(first.url + "/api/v1/reports", json={
            "title": "Lampu jalan mati di Cileunyi", "body": "Sudah dua minggu lampu jalan di depan sekolah mati.",
        }, timeout=10)
        assert receipt.status_code == 201
        first.stop(signal.SIGKILL)  # no chance to flush anything after the answer
        second = make_server(data_dir=data_dir, env=small)
        second.port = first.port
        second.url = first.url
        second.password = first.password
        second.start()
        found = requests.get(f"{second.url}/api/v1/reports/{receipt.json()['tracking_id']}",
                             headers={"X-Report-Secret": receipt.json()["secret"]}, timeout=10)
        assert found.status_code == 200 and found.json()["title"] == "Lampu jalan mati di Cileunyi"
        assert second.log().count("Demo ready") == 1, "the demo is seeded only into an empty database"


def test_sigterm_stops_the_server_gracefully(make_server):
    srv = make_server(env={"TANGGAP_DEMO": "never"}).start()
    assert srv.stop(signal.SIGTERM, timeout=20) == 0
