"""Three real instances on loopback, linked as a national Tanggap and two regional ones would be: the national one on
PostgreSQL (when it is there), Kabupaten Garut and Kabupaten Badung on SQLite, each with its own data folder, port and
fake messaging gateway. The whole story of a case that crosses the border, both ways; a case sent back as not the
holder's authority; an anonim reporter who stays unknown on the other side; a loop refused; and a receiver killed
mid-stream with a thousand events queued for it, which gets every one of them exactly once, in order."""
import csv
import io
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

import authenticator
import fake_gateway as fg
from conftest import BINARY, POSTGRES_URL, ROOT, Server
from gateway import GatewayProcess
from peers import link
from portal import Officer

ADMIN = "admin@tanggap.test"


@pytest.fixture(scope="module")
def gateway():
    process = GatewayProcess()
    yield process
    process.stop()


def start(gateway, engine, name, data_dir=None):
    srv = Server(engine, data_dir or tempfile.mkdtemp(prefix="tanggap-e2e-"),
                 {"TANGGAP_INSTANCE_NAME": name, "TANGGAP_DEMO": "always", "TANGGAP_DEMO_REPORTS": "12",
                  "TANGGAP_JOB_BACKOFF_SECONDS": "1"})
    srv.env.update(fg.tanggap_env(gateway.url, gateway.smtp_port, srv.url))
    return srv.start()


@pytest.fixture(scope="module")
def world(gateway):
    """National, Garut and Badung, each pinning the other: on the national tree the regencies' nodes stand for their
    instances; on each region's tree the Ministry of Health and the Ministry of Public Works stand for the national
    instance (a hand-over to them arrives at the same ministry there)."""
    national = start(gateway, "postgres" if POSTGRES_URL else "sqlite", "SP4N-LAPOR! Nasional")
    garut = start(gateway, "sqlite", "Kabupaten Garut")
    badung = start(gateway, "sqlite", "Kabupaten Badung")
    servers = [national, garut, badung]
    try:
        link(national, garut, "Pemerintah Kabupaten Garut")
        link(national, badung, "Pemerintah Kabupaten Badung")
        link(garut, national, "Kementerian Kesehatan")
        link(badung, national, "Kementerian Pekerjaan Umum")
        yield {"national": national, "garut": garut, "badung": badung}
    finally:
        for srv in servers:
            srv.stop()


def file_report(srv, **fields):
    body = {"classification": "pengaduan", "title": "Laporan lintas instansi", "body": "Isi laporan yang cukup panjang.",
            "reporter_name": "Asep Garut", "reporter_email": f"warga-{uuid.uuid4().hex[:8]}@warga.test"}
    body.update(fields)
    reply = requests.post(srv.url + "/api/v1/reports", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()["tracking_id"], reply.json()["secret"], body


def report(srv, tracking_id, email=ADMIN):
    return requests.get(f"{srv.url}/api/v1/reports/{tracking_id}", headers=Officer(srv, email).headers, timeout=10).json()


def events(srv, tracking_id, email=ADMIN):
    return requests.get(f"{srv.url}/api/v1/reports/{tracking_id}/events", headers=Officer(srv, email).headers,
                        timeout=10).json()["items"]


def as_reporter(srv, tracking_id, secret, action, **fields):
    reply = requests.post(f"{srv.url}/api/v1/reports/{tracking_id}/{action}", json=fields,
                          headers={"X-Report-Secret": secret}, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def wait_until(check, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def handed_over(srv, origin_tracking_id, timeout=60):
    """The receiver's tracking id for a case, once the origin has heard it was taken in."""
    def accepted():
        out = [h for h in (report(srv, origin_tracking_id).get("handovers") or []) if h["direction"] == "handed_out"]
        return out and out[0].get("remote_tracking_id")
    return wait_until(accepted, f"the hand-over of {origin_tracking_id} to be accepted", timeout)


def test_a_case_crosses_up_and_down_and_the_answer_reaches_the_reporter_where_they_filed(world, gateway):
    national, garut, badung = world["national"], world["garut"], world["badung"]

    # Upwards: a citizen files at Garut about a national matter; Garut's admin sends it to the Ministry of Health,
    # which is the national instance.
    tracking_id, secret, filed = file_report(garut, title="Stok vaksin nasional di Garut kosong",
                                             body="Vaksin dari program nasional tidak datang sejak dua bulan.")
    garut_admin = Officer(garut, ADMIN)
    garut_admin.act(tracking_id, "verify")
    garut_admin.act(tracking_id, "dispatch", institution_id=garut_admin.institution("Kementerian Kesehatan"))
    held = handed_over(garut, tracking_id)

    # The national instance holds its own report, on the federation channel, the reporter known by name only.
    national_admin = Officer(national, ADMIN)
    there = report(national, held)
    assert there["channel"] == "federation" and there["title"] == "Stok vaksin nasional di Garut kosong"
    assert there["reporter"]["name"] == "Asep Garut" and not there["reporter"].get("email")
    assert [h for h in there["handovers"] if h["direction"] == "handed_in"][0]["remote_tracking_id"] == tracking_id
    national_admin.act(held, "verify")
    national_admin.act(held, "dispatch", institution_id=national_admin.institution("Dinas Kesehatan"))
    Officer(national, "penghubung.dinkes@tanggap.test").act(held, "answer", text="Distribusi vaksin tiba Jumat ini.")

    # The answer is on Garut's page, from the partner instance, and in the reporter's mailbox.
    wait_until(lambda: report(garut, tracking_id)["state"] == "answered", "the answer to reach Garut")
    page = requests.get(f"{garut.url}/laporan/{tracking_id}", headers={"X-Report-Secret": secret}, timeout=10).text
    assert "Distribusi vaksin tiba Jumat ini." in page and "instansi mitra" in page
    gateway.wait_for("email", filed["reporter_email"], "Distribusi vaksin tiba Jumat ini.")
    [answer] = [e for e in events(garut, tracking_id) if e["kind"] == "answer"]
    assert answer["actor"]["kind"] == "peer" and answer["channel"] == "federation"

    # The reporter replies, confirms and rates on Garut; the national officer sees it; the rating counts nationally.
    as_reporter(garut, tracking_id, secret, "reply", text="Terima kasih, akan saya pantau.")
    wait_until(lambda: any(e["kind"] == "reply" and e["note"] == "Terima kasih, akan saya pantau."
                           for e in events(national, held, "penghubung.dinkes@tanggap.test")), "the reply to reach the holder")
    Officer(national, "penghubung.dinkes@tanggap.test").act(held, "answer", text="Sudah tiba, silakan dicek.")
    wait_until(lambda: report(garut, tracking_id)["state"] == "answered", "the second answer to reach Garut")
    rated_before = rated(national)
    as_reporter(garut, tracking_id, secret, "confirm")
    as_reporter(garut, tracking_id, secret, "rate", rating="very_satisfied", comment="Cepat dan jelas.")
    wait_until(lambda: report(national, held).get("rating") == "very_satisfied", "the rating to reach the national instance")
    assert report(national, held)["state"] == "completed"
    assert rated(national) == rated_before + 1, "the rating counts in the national statistics"

    # Downwards: a report filed nationally about a road in Badung goes to Badung's instance, is answered there, and
    # the reporter completes it on the national portal.
    road_id, road_secret, road = file_report(national, title="Jalan Raya Mengwi berlubang",
                                             body="Lubang besar di Jalan Raya Mengwi dekat pasar, sudah tiga minggu.")
    national_admin.act(road_id, "verify")
    national_admin.act(road_id, "dispatch", institution_id=national_admin.institution("Pemerintah Kabupaten Badung"))
    in_badung = handed_over(national, road_id)
    badung_admin = Officer(badung, ADMIN)
    badung_admin.act(in_badung, "verify")
    badung_admin.act(in_badung, "dispatch", institution_id=badung_admin.institution("Pemerintah Kabupaten Bandung"))
    Officer(badung, "admin.bandung@tanggap.test").act(in_badung, "answer", text="Lubang ditambal hari Senin.")
    wait_until(lambda: report(national, road_id)["state"] == "answered", "Badung's answer to reach the national instance")
    gateway.wait_for("email", road["reporter_email"], "Lubang ditambal hari Senin.")
    out = [h for h in report(national, road_id)["handovers"] if h["direction"] == "handed_out"][0]
    assert out["remote_holder"] == "Pemerintah Kabupaten Bandung" and out["remote_state"] == "answered"
    as_reporter(national, road_id, road_secret, "confirm")
    wait_until(lambda: report(badung, in_badung)["state"] == "completed", "the completion to reach Badung")

    # Figures cross too: the national instance reads both regions' published figures and shows them with their source.
    pulled = subprocess.run([BINARY, "federation", "figures"], cwd=ROOT, env=national.env, capture_output=True, text=True,
                            timeout=120)
    assert pulled.returncode == 0 and "Kabupaten Garut" in pulled.stdout and "Kabupaten Badung" in pulled.stdout, pulled.stderr
    statistics = requests.get(national.url + "/statistik", timeout=30).text
    assert 'id="instansi-mitra"' in statistics and garut.url in statistics and badung.url in statistics
    assert "Di seluruh 3 instansi" in statistics

    # Every link is healthy, nothing waits, nothing was given up.
    for srv in (national, garut, badung):
        peers = requests.get(srv.url + "/api/v1/federation/peers", headers=Officer(srv, ADMIN).headers, timeout=10).json()
        for peer in peers["items"]:
            assert peer["dead_letters"] == 0, peer


def test_not_our_authority_comes_back_to_be_routed_again_and_an_anonim_reporter_stays_unknown(world):
    national, badung = world["national"], world["badung"]
    tracking_id, _, filed = file_report(national, title="Pungutan liar di pelabuhan", is_anonymous=True,
                                        reporter_name="Made Rahasiawan", reporter_email="made.rahasiawan@warga.test",
                                        reporter_phone="081337123456")
    admin = Officer(national, ADMIN)
    admin.act(tracking_id, "verify")
    admin.act(tracking_id, "dispatch", institution_id=admin.institution("Pemerintah Kabupaten Badung"))
    in_badung = handed_over(national, tracking_id)

    # Nothing of the reporter on Badung: the API, the CSV export, the page, the raw tables.
    badung_admin = Officer(badung, ADMIN)
    needles = ["Rahasiawan", "made.rahasiawan", "081337123456", "6281337123456"]
    seen = [requests.get(f"{badung.url}/api/v1/reports/{in_badung}", headers=badung_admin.headers, timeout=10).text,
            requests.get(f"{badung.url}/api/v1/reports/{in_badung}/events", headers=badung_admin.headers, timeout=10).text,
            authenticator.sign_in_session(badung.url, ADMIN, badung.password).get(badung.url + "/kelola/kotak.csv", timeout=30).text,
            requests.get(f"{badung.url}/api/v1/open-data/reports.csv", timeout=30).text,
            requests.get(f"{badung.url}/laporan/{in_badung}", timeout=10).text,
            raw_tables(badung)]
    for needle in needles:
        assert not any(needle.lower() in text.lower() for text in seen), needle

    # Badung says it is not its authority: the case is back in the national tree one level up (Badung's province),
    # to be routed again, with the reason, not closed.
    badung_admin.act(in_badung, "not-our-authority", reason="Pelabuhan dikelola pemerintah pusat, bukan kabupaten.")
    wait_until(lambda: report(national, tracking_id)["state"] == "verified", "the case to come back")
    back = report(national, tracking_id)
    assert back["holder"]["name"] == "Pemerintah Provinsi Bali" and not back.get("archive_reason")
    last = events(national, tracking_id)[-1]
    assert last["kind"] == "not_our_authority" and last["note"] == "Pelabuhan dikelola pemerintah pusat, bukan kabupaten."


def test_a_case_handed_back_where_it_came_from_is_refused_as_a_loop(world):
    national, garut = world["national"], world["garut"]
    tracking_id, _, _ = file_report(garut, title="Bantuan sosial pusat tidak cair")
    garut_admin = Officer(garut, ADMIN)
    garut_admin.act(tracking_id, "verify")
    garut_admin.act(tracking_id, "dispatch", institution_id=garut_admin.institution("Kementerian Kesehatan"))
    held = handed_over(garut, tracking_id)
    admin = Officer(national, ADMIN)
    admin.act(held, "verify")
    admin.act(held, "dispatch", institution_id=admin.institution("Pemerintah Kabupaten Garut"))
    wait_until(lambda: report(national, held)["state"] == "verified", "the loop to be refused")
    assert "melewati" in events(national, held)[-1]["note"]
    assert report(garut, tracking_id)["state"] == "dispatched", "Garut still waits on the national instance"


def test_a_receiver_killed_mid_stream_gets_every_event_once_and_in_order(world):
    national, garut = world["national"], world["garut"]
    admin = Officer(garut, ADMIN)
    node = admin.institution("Kementerian Kesehatan")
    cases = []
    for n in range(250):
        tracking_id, secret, _ = file_report(garut, title=f"Antrean lintas instansi {n}")
        admin.act(tracking_id, "verify")
        admin.act(tracking_id, "dispatch", institution_id=node)
        cases.append((tracking_id, secret))
        if n == 60:
            national.stop(9)  # mid-stream, without a chance to finish anything
    for tracking_id, secret in cases:
        for k in range(1, 4):
            as_reporter(garut, tracking_id, secret, "reply", text=f"tambahan {k}")
    waiting = peer_of(garut, "SP4N-LAPOR! Nasional")["queued"]
    assert waiting > 0
    national.start()
    wait_until(lambda: peer_of(garut, "SP4N-LAPOR! Nasional")["queued"] == 0, "the queue to drain", timeout=600)

    # 250 cases, each with its three replies, in the order they were written; nothing twice.
    handed_in = received_cases(national)
    mine = {origin: held for origin, held in handed_in.items() if origin in dict(cases)}
    assert len(mine) == 250
    for origin, held in mine.items():
        replies = [e["note"] for e in events(national, held) if e["kind"] == "reply"]
        assert replies == ["tambahan 1", "tambahan 2", "tambahan 3"], (origin, replies)
    assert peer_of(garut, "SP4N-LAPOR! Nasional")["dead_letters"] == 0


def rated(srv):
    """How many ratings the instance's public statistics count, over the whole tree."""
    rows = list(csv.DictReader(io.StringIO(requests.get(srv.url + "/statistik.csv", timeout=30).text)))
    return int(next(row for row in rows if row["level"] == "total")["rated"])


def peer_of(srv, name):
    items = requests.get(srv.url + "/api/v1/federation/peers", headers=Officer(srv, ADMIN).headers, timeout=10).json()["items"]
    return next(p for p in items if p["name"] == name)


def received_cases(srv):
    """origin tracking id → this instance's, for every case handed in."""
    found = {}
    token_headers = Officer(srv, ADMIN).headers
    cursor = None
    while True:
        params = {"channel": "federation", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = requests.get(srv.url + "/api/v1/reports", params=params, headers=token_headers, timeout=30).json()
        for item in page["items"]:
            details = report(srv, item["tracking_id"])
            for h in details.get("handovers") or []:
                if h["direction"] == "handed_in":
                    assert h["remote_tracking_id"] not in found, "a case taken in twice"
                    found[h["remote_tracking_id"]] = item["tracking_id"]
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def raw_tables(srv):
    """Every row of every table of the instance's database, as text."""
    url = srv.env.get("TANGGAP_DATABASE_URL")
    if url:
        return subprocess.run(["pg_dump", "--data-only", url], capture_output=True, text=True, check=True).stdout
    db = sqlite3.connect(os.path.join(srv.data_dir, "tanggap.sqlite"))
    # The text-search index itself is a virtual table this Python's SQLite cannot open; its shadow tables hold its rows.
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    return json.dumps([list(map(str, row)) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')])
