"""Attachments on S3-compatible object storage (moto's server on loopback, checking every signature): files go to
the bucket and come back from it, a refused upload files nothing, the sweeper removes only what no report names,
a backup carries the bucket's files and a restore puts them in another, and a wrong key stops the server at start."""
import json
import os
import shutil
import sqlite3
import tempfile
import uuid

import pytest
import requests

from conftest import SeededDemo, Server
from object_store import ObjectStore
from test_backup import PNG, files_of, tanggap

FIELDS = {"reporter_name": "Warga Uji Lampiran", "reporter_phone": "081300000004",
          "body": "Lampu penerangan jalan mati sejak seminggu, jalan gelap dan rawan kecelakaan malam hari."}


@pytest.fixture(scope="module")
def store():
    running = ObjectStore()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(store):
    folder = tempfile.mkdtemp(prefix="tanggap-s3-")
    srv = SeededDemo.of("sqlite").copy(folder, store.env("laporan"))
    try:
        yield srv.start()
    finally:
        srv.stop()
        shutil.rmtree(folder, ignore_errors=True)


def file_report(url, title):
    reply = requests.post(url + "/api/v1/reports", data=dict(FIELDS, title=title), timeout=30,
                          files={"attachments[]": ("lampu.png", PNG, "image/png")})
    return reply


def reports_titled(server, title):
    with sqlite3.connect(os.path.join(server.data_dir, "tanggap.sqlite")) as db:
        return db.execute("SELECT COUNT(*) FROM reports WHERE title = ?", (title,)).fetchone()[0]


def test_a_file_goes_to_the_bucket_and_comes_back_from_it(server, store):
    before = set(store.keys("laporan"))
    reply = file_report(server.url, "Lampu jalan mati di Jalan Merdeka")
    assert reply.status_code == 201, reply.text
    receipt = reply.json()
    added = set(store.keys("laporan")) - before
    assert len(added) == 1
    key = added.pop()
    report, files = files_of(server.url, receipt["tracking_id"], receipt["secret"])
    assert files == [store.read(key)] and files[0].startswith(b"\x89PNG")
    # Nothing of the file is kept beside the database: the bucket is the only copy.
    assert not any(names for _, _, names in os.walk(os.path.join(server.data_dir, "attachments")))


def test_a_refused_upload_files_nothing_and_says_why(server, store):
    title = "Lampu jalan mati di gang " + uuid.uuid4().hex[:6]
    before = store.keys("laporan")
    store.deny_uploads()
    try:
        for language, words in [("id", "lampiran"), ("en", "attached files")]:
            reply = requests.post(server.url + "/api/v1/reports", data=dict(FIELDS, title=title), timeout=30,
                                  files={"attachments[]": ("lampu.png", PNG, "image/png")},
                                  headers={"Accept-Language": language})
            assert reply.status_code == 503, reply.text
            assert reply.headers["Retry-After"] == "30"
            error = reply.json()["error"]
            assert error["code"] == "attachment_storage_unavailable" and words in error["message"]
    finally:
        store.allow_uploads()
    assert reports_titled(server, title) == 0, "no report without its file"
    assert store.keys("laporan") == before
    # The log says what went wrong, without the key.
    assert "AccessDenied" in server.log() and store.secret not in server.log()
    # Sent again once the bucket takes uploads, the same report goes through.
    assert file_report(server.url, title).status_code == 201 and reports_titled(server, title) == 1


def test_the_sweeper_removes_only_old_files_no_report_names(server, store):
    reply = file_report(server.url, "Lampu jalan mati di Jalan Sudirman")
    assert reply.status_code == 201
    kept = store.keys("laporan")
    orphan, foreign = "laporan/" + uuid.uuid4().hex, "laporan/BACA-SAYA.txt"
    store.put(orphan, b"left by a submission that never committed")
    store.put(foreign, b"an operator's own note")

    for bad in (["--grace-seconds", "-5"], ["--grace-seconds", "sejam"], ["--grace-seconds"]):
        refused = tanggap(["sweep-attachments", *bad], server.env)
        assert refused.returncode != 0 and "grace-seconds" in refused.stdout + refused.stderr, (bad, refused.stderr)
    assert orphan in store.keys("laporan"), "a refused command removed nothing"

    young = tanggap(["sweep-attachments"], server.env)  # the default grace: an hour
    assert young.returncode == 0 and "0 orphan(s) removed" in young.stdout, young.stdout + young.stderr
    assert orphan in store.keys("laporan")

    swept = tanggap(["sweep-attachments", "--grace-seconds", "0"], server.env)
    assert swept.returncode == 0 and "1 orphan(s) removed" in swept.stdout, swept.stdout + swept.stderr
    assert store.keys("laporan") == sorted(set(kept) | {foreign})
    receipt = reply.json()
    assert len(files_of(server.url, receipt["tracking_id"], receipt["secret"])[1]) == 1


def test_a_backup_carries_the_bucket_and_a_restore_fills_another(server, store):
    reply = file_report(server.url, "Lampu jalan mati di Jalan Diponegoro")
    receipt = reply.json()
    served = files_of(server.url, receipt["tracking_id"], receipt["secret"])[1]
    folder = tempfile.mkdtemp(prefix="tanggap-s3-backup-")
    restored_server = None
    try:
        backup = os.path.join(folder, "backup")
        taken = tanggap(["backup", backup], server.env)
        assert taken.returncode == 0, taken.stdout + taken.stderr
        manifest = json.load(open(os.path.join(backup, "manifest.json")))
        in_backup = sorted(f["path"].rsplit("/", 1)[1] for f in manifest["files"] if f["path"].startswith("attachments/"))
        assert in_backup == sorted(k.rsplit("/", 1)[1] for k in store.keys("laporan") if "BACA" not in k)

        target = dict(server.env, TANGGAP_DATA_DIR=os.path.join(folder, "restored"), TANGGAP_DEMO="never",
                      **store.env("pulihan"))
        restored = tanggap(["restore", backup], target)
        assert restored.returncode == 0 and "Verified: no problem found." in restored.stdout, restored.stdout + restored.stderr
        assert len(store.keys("pulihan")) == len(in_backup)
        again = tanggap(["restore", backup], dict(target, TANGGAP_DATA_DIR=os.path.join(folder, "other")))
        assert again.returncode != 0 and "s3://" in again.stdout + again.stderr, "the bucket's prefix already holds files"

        # One object damaged in the bucket: verify names the count.
        damaged_key = store.keys("pulihan")[0]
        store.put(damaged_key, b"not the photo")
        verified = tanggap(["verify"], target)
        assert verified.returncode != 0 and "SHA-256 or size differs" in verified.stdout + verified.stderr
        store.put(damaged_key, open(os.path.join(backup, "attachments", damaged_key[-32:-30], damaged_key[-30:-28],
                                                 damaged_key[-32:]), "rb").read())

        restored_server = Server("sqlite", target["TANGGAP_DATA_DIR"], target)
        restored_server.env.update(target)
        restored_server.start()
        assert files_of(restored_server.url, receipt["tracking_id"], receipt["secret"])[1] == served
    finally:
        if restored_server:
            restored_server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_wrong_key_stops_the_server_at_start_with_the_reason(store):
    folder = tempfile.mkdtemp(prefix="tanggap-s3-wrong-")
    try:
        wrong = Server("sqlite", folder, dict(store.env("laporan", secret="not-the-secret"), TANGGAP_DEMO="never"))
        with pytest.raises(RuntimeError) as failure:
            wrong.start(timeout=60)
        said = str(failure.value)
        assert "TANGGAP_ATTACHMENTS_URL" in said and "SignatureDoesNotMatch" in said, said
        assert "not-the-secret" not in said
    finally:
        shutil.rmtree(folder, ignore_errors=True)
