"""Tanggap as an Open311 client: two real instances on loopback. On instance A (the national one, on PostgreSQL
when it is there) a node of the tree — Kabupaten Bandung's public works office — is the Open311 endpoint of
instance B, whose own system takes reports over Open311 GeoReport v2 like any city CRM. A report dispatched there is
posted to B, B's staff answer it, and A's reporter receives the answer by e-mail; while B is down, A keeps trying and
loses nothing; an anonim reporter stays unknown at B."""
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

import fake_gateway as fg
from conftest import BINARY, POSTGRES_URL, ROOT, Server
from gateway import GatewayProcess
from portal import Officer

ADMIN = "admin@tanggap.test"
BODY = "Dinas Pekerjaan Umum dan Penataan Ruang"
LIAISON = "penghubung.pupr@tanggap.test"


def cli(srv, *args):
    done = subprocess.run([BINARY, *args], cwd=ROOT, env=srv.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_until(check, what, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def gateway():
    process = GatewayProcess()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def world(gateway):
    a = Server("postgres" if POSTGRES_URL else "sqlite", tempfile.mkdtemp(prefix="tanggap-e2e-"),
               {"TANGGAP_INSTANCE_NAME": "Tanggap Nasional", "TANGGAP_DEMO": "always", "TANGGAP_DEMO_REPORTS": "12",
                "TANGGAP_JOB_BACKOFF_SECONDS": "1", "TANGGAP_OPEN311_POLL_SECONDS": "1"})
    a.env.update(fg.tanggap_env(gateway.url, gateway.smtp_port, a.url))
    b = Server("sqlite", tempfile.mkdtemp(prefix="tanggap-e2e-"),
               {"TANGGAP_INSTANCE_NAME": "CRM Kabupaten", "TANGGAP_DEMO": "always", "TANGGAP_DEMO_REPORTS": "12"})
    try:
        a.start()
        b.start()
        key = cli(b, "open311", "keys", "add", "Tanggap Nasional").split("api_key for Tanggap Nasional: ")[1].split()[0]
        node = Officer(a, ADMIN).institution(BODY)
        out = cli(a, "open311", "endpoints", "add", f"{b.url}/open311/v2", "--institution", str(node), "--api-key", key,
                  "--send-contacts")
        assert "Categories without a service of the same name: 0" in out, out
        yield {"a": a, "b": b, "node": node}
    finally:
        for srv in (a, b):
            srv.stop()


def file_and_dispatch(world, **fields):
    a = world["a"]
    body = {"classification": "pengaduan", "title": f"Jembatan desa retak {uuid.uuid4().hex[:6]}",
            "body": "Jembatan penghubung dua desa retak di tengah, truk masih lewat setiap hari.",
            "category_id": 1, "reporter_name": "Ujang Sukmana",
            "reporter_email": f"warga-{uuid.uuid4().hex[:8]}@warga.test"}
    body.update(fields)
    reply = requests.post(a.url + "/api/v1/reports", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    tracking_id = reply.json()["tracking_id"]
    admin = Officer(a, ADMIN)
    admin.act(tracking_id, "verify")
    admin.act(tracking_id, "dispatch", institution_id=world["node"])
    return tracking_id, body


def at_b(world, title):
    """B's copy of a report A sent, found by its title among B's Open311 reports."""
    found = requests.get(world["b"].url + "/api/v1/reports", params={"channel": "open311", "limit": 100},
                         headers=Officer(world["b"], ADMIN).headers, timeout=10).json()["items"]
    return [r for r in found if r["title"].startswith(title)]


def answer_at_b(world, tracking_id, text):
    b = world["b"]
    admin = Officer(b, ADMIN)
    admin.act(tracking_id, "verify")
    admin.act(tracking_id, "dispatch", institution_id=admin.institution(BODY))
    Officer(b, LIAISON).act(tracking_id, "answer", text=text)


def report(srv, tracking_id):
    return requests.get(f"{srv.url}/api/v1/reports/{tracking_id}", headers=Officer(srv, ADMIN).headers, timeout=10).json()


def events(srv, tracking_id):
    return requests.get(f"{srv.url}/api/v1/reports/{tracking_id}/events", headers=Officer(srv, ADMIN).headers,
                        timeout=10).json()["items"]


def test_a_report_dispatched_to_an_open311_body_is_answered_there_and_the_reporter_hears_it(world, gateway):
    a = world["a"]
    tracking_id, filed = file_and_dispatch(world)
    [copy] = wait_until(lambda: at_b(world, filed["title"]), "the report to reach B's Open311 system")
    assert copy["body"].endswith(filed["body"]) and copy["category"]["name"] == "AGAMA"
    there = report(world["b"], copy["tracking_id"])
    assert there["channel"] == "open311" and there["reporter"]["name"] == "Ujang Sukmana", "contacts go where the admin allowed"

    answer_at_b(world, copy["tracking_id"], "Jembatan ditutup untuk truk; perbaikan mulai Senin.")
    wait_until(lambda: report(a, tracking_id)["state"] == "answered", "B's answer to reach A")
    [answer] = [e for e in events(a, tracking_id) if e["kind"] == "answer"]
    assert answer["note"] == "Jembatan ditutup untuk truk; perbaikan mulai Senin."
    assert answer["actor"]["kind"] == "peer" and answer["channel"] == "open311"
    gateway.wait_for("email", filed["reporter_email"], "perbaikan mulai Senin")
    time.sleep(3)  # a few more polls: the same note is not applied twice
    assert sum(e["kind"] == "answer" for e in events(a, tracking_id)) == 1
    assert len(at_b(world, filed["title"])) == 1, "sent once"


def test_while_the_body_is_down_nothing_is_lost_and_an_anonim_reporter_stays_unknown(world, gateway):
    a, b = world["a"], world["b"]
    b.stop()
    try:
        tracking_id, filed = file_and_dispatch(world, is_anonymous=True, reporter_name="Nama Rahasia Pelapor")
        wait_until(lambda: "queued 1" in cli(a, "open311", "endpoints", "list") and "last error" in cli(a, "open311", "endpoints", "list"),
                   "A to find B unreachable and keep the report queued", timeout=60)
        time.sleep(4)  # a few failed attempts
    finally:
        b.start()
    [copy] = wait_until(lambda: at_b(world, filed["title"]), "the report to reach B once B is back", timeout=120)
    there = report(b, copy["tracking_id"])
    assert not (there.get("reporter") or {}).get("name") and not (there.get("reporter") or {}).get("email")
    assert "Nama Rahasia" not in str(there)
    answer_at_b(world, copy["tracking_id"], "Sudah kami periksa dan tandai.")
    wait_until(lambda: report(a, tracking_id)["state"] == "answered", "B's answer to reach A after the outage")
    gateway.wait_for("email", filed["reporter_email"], "Sudah kami periksa dan tandai.")
    assert len(at_b(world, filed["title"])) == 1, "sent exactly once, however many attempts it took"
    listing = cli(a, "open311", "endpoints", "list")
    assert "queued 0" in listing and "refused 0" in listing, listing


def test_a_rahasia_report_goes_only_as_rahasia(world):
    b = world["b"]
    tracking_id, filed = file_and_dispatch(world, is_confidential=True)
    [copy] = wait_until(lambda: at_b(world, filed["title"]), "the rahasia report to reach B")
    there = report(b, copy["tracking_id"])
    assert there["is_confidential"], "B's system was told, and keeps it from its public pages"
    Officer(b, ADMIN).act(copy["tracking_id"], "verify")
    assert requests.get(f"{b.url}/open311/v2/requests/{copy['tracking_id']}.json", timeout=10).status_code == 404
