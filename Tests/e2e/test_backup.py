"""The backup drill, on each database: a backup taken in the middle of an intake load restores into a fresh folder
and database, `tanggap verify` finds it whole, and the restored server serves every report acknowledged before the
backup began, with its files. A damaged backup is refused with the file named; a target with data is not overwritten
without --force."""
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest
import requests

from conftest import BINARY, ENGINES, ROOT, SeededDemo, Server, fresh_postgres_database
from portal import PNG


def tanggap(args, env):
    return subprocess.run([BINARY, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


class IntakeLoad(threading.Thread):
    """Reports sent one after another by reporters without an account; every third carries a photo."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url, self.stopping, self.acknowledged, self.errors = url, threading.Event(), [], []

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            fields = {"title": f"Drainase tersumbat di gang nomor {n}", "reporter_name": "Warga Uji Cadangan",
                      "body": "Saluran air tersumbat sampah dan meluap ke jalan setiap hujan turun.", "reporter_phone": "081300000003"}
            try:
                if n % 3 == 0:
                    reply = requests.post(self.url + "/api/v1/reports", data=fields, timeout=30,
                                          files={"attachments[]": ("saluran.png", PNG, "image/png")})
                else:
                    reply = requests.post(self.url + "/api/v1/reports", json=fields, timeout=30)
            except requests.RequestException as error:
                self.errors.append(str(error))
                continue
            if reply.status_code == 201:
                receipt = reply.json()
                self.acknowledged.append((time.time(), receipt["tracking_id"], receipt["secret"], n % 3 == 0))
            else:
                self.errors.append(reply.text)


def files_of(url, tracking_id, secret):
    """The report as its reporter reads it, and the bytes of each of its files."""
    headers = {"X-Report-Secret": secret}
    report = requests.get(f"{url}/api/v1/reports/{tracking_id}", headers=headers, timeout=10)
    assert report.status_code == 200, (tracking_id, report.text)
    return report.json(), [requests.get(url + a["url"], headers=headers, timeout=10).content for a in report.json()["attachments"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_taken_under_load_restores_every_acknowledged_report_with_its_files(engine):
    folder = tempfile.mkdtemp(prefix="tanggap-drill-")
    running = []
    try:
        source = SeededDemo.of(engine).copy(os.path.join(folder, "source"))
        running.append(source.start())
        load = IntakeLoad(source.url)
        load.start()
        while len(load.acknowledged) < 30:
            time.sleep(0.1)
        backup_began = time.time()
        backup = os.path.join(folder, "backup")
        taken = tanggap(["backup", backup], source.env)
        assert taken.returncode == 0, taken.stdout + taken.stderr
        before = len(load.acknowledged)
        while len(load.acknowledged) < before + 15:  # the load goes on after the backup
            time.sleep(0.1)
        load.stopping.set()
        load.join(timeout=60)
        assert not load.errors, load.errors[:3]

        manifest = json.load(open(os.path.join(backup, "manifest.json")))
        assert manifest["engine"] == engine and manifest["counts"]["reports"] >= 360 + 30
        wanted = [entry for entry in load.acknowledged if entry[0] < backup_began]
        assert len(wanted) >= 30 and any(entry[3] for entry in wanted)
        served = {tracking_id: files_of(source.url, tracking_id, secret) for _, tracking_id, secret, _ in wanted}

        # Restore into a fresh folder and database.
        target_env = dict(source.env, TANGGAP_DATA_DIR=os.path.join(folder, "restored"), TANGGAP_DEMO="never")
        if engine == "postgres":
            target_env["TANGGAP_DATABASE_URL"] = fresh_postgres_database()
        restored = tanggap(["restore", backup], target_env)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Verified: no problem found." in restored.stdout, restored.stdout
        verified = tanggap(["verify"], target_env)
        assert verified.returncode == 0 and "Verified: no problem found." in verified.stdout, verified.stdout + verified.stderr

        server = Server(engine, target_env["TANGGAP_DATA_DIR"], target_env)
        server.env.update(target_env)
        running.append(server.start())
        for _, tracking_id, secret, with_file in wanted:
            report, files = files_of(server.url, tracking_id, secret)
            assert report["title"] == served[tracking_id][0]["title"]
            assert files == served[tracking_id][1] and (len(files) == 1) == with_file, tracking_id
        server.stop()

        # The restored target now holds data: a second restore is refused without --force, and works with it.
        again = tanggap(["restore", backup], target_env)
        assert again.returncode != 0 and "not empty" in again.stdout + again.stderr
        forced = tanggap(["restore", "--force", backup], target_env)
        assert forced.returncode == 0 and "Verified: no problem found." in forced.stdout, forced.stdout + forced.stderr

        # One byte changed in one photo: the restore names the file and leaves a fresh target untouched.
        damaged = os.path.join(folder, "damaged")
        shutil.copytree(backup, damaged)
        photo = next(f["path"] for f in manifest["files"] if f["path"].startswith("attachments/"))
        with open(os.path.join(damaged, photo), "r+b") as f:
            first = f.read(1)
            f.seek(0)
            f.write(bytes([first[0] ^ 0xFF]))
        fresh_env = dict(source.env, TANGGAP_DATA_DIR=os.path.join(folder, "untouched"), TANGGAP_DEMO="never")
        if engine == "postgres":
            fresh_env["TANGGAP_DATABASE_URL"] = fresh_postgres_database()
        refused = tanggap(["restore", damaged], fresh_env)
        assert refused.returncode != 0 and photo in refused.stdout + refused.stderr, refused.stdout + refused.stderr
        assert not os.path.exists(os.path.join(folder, "untouched", "attachments"))
    finally:
        for server in running:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
