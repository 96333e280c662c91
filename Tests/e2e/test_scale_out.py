"""Scale-out on PostgreSQL: two `tanggap serve` processes and one `tanggap worker` on one database, behind nginx on
loopback. A load through the proxy reaches both servers and fails no request, and every side effect (the SMS the
reporter receives) happens exactly once although three processes run background work. The servers share nothing
but the database and a bucket on an S3-protocol server for the attachments."""
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import authenticator
import fake_gateway as fg
from conftest import BINARY, POSTGRES_URL, ROOT, SeededDemo, Server, free_port
from object_store import ObjectStore
from test_backup import PNG, files_of
from test_channels import TRACKING, GatewayProcess

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="scale-out runs on PostgreSQL (TANGGAP_E2E_POSTGRES_URL)")

REPORTERS = 24   # reporters by SMS, each heard exactly twice: received, verified
WEB_REPORTS = 48  # reports through the JSON API, with reads in between


class Nginx:
    """nginx from Debian as a reverse proxy over the given servers, in a folder of its own, on loopback."""

    def __init__(self, folder, port, upstreams):
        self.folder, self.port = folder, port
        self.url = f"http://127.0.0.1:{port}"
        os.chmod(folder, 0o777)  # nginx's workers may run as another user and keep temporary files here
        servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstreams)
        temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
        config = f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
  {temp}
  log_format upstream '$status $upstream_addr $request_method $uri';
  access_log {folder}/access.log upstream;
  upstream tanggap {{
{servers}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 12m;
    location / {{
      proxy_pass http://tanggap;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""
        path = os.path.join(folder, "nginx.conf")
        with open(path, "w") as f:
            f.write(config)
        self.process = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", path, "-p", folder, "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start: " + open(os.path.join(folder, "error.log")).read())

    def upstream_log(self):
        with open(os.path.join(self.folder, "access.log")) as f:
            return [line.split() for line in f if line.strip()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@contextlib.contextmanager
def running_cluster(extra_env=None, with_worker=True):
    """Two servers (and a worker) on one PostgreSQL database, behind nginx, sharing nothing else but a bucket for
    the attachments; everything stopped on the way out."""
    gateway = GatewayProcess()
    store = ObjectStore()
    folder = tempfile.mkdtemp(prefix="tanggap-scale-")
    proxy_port = free_port()
    proxy_url = f"http://127.0.0.1:{proxy_port}"
    servers, worker, proxy = [], None, None
    try:
        env = fg.tanggap_env(gateway.url, gateway.smtp_port, proxy_url)
        env.update({"TANGGAP_JOB_BACKOFF_SECONDS": "1", "TANGGAP_RATE_LIMIT_CHANNEL_MESSAGES": "100000"})
        env.update(store.env("cluster"))
        env.update(extra_env or {})
        # Each server has a data folder of its own, as on two machines: the files are only in the bucket.
        first = SeededDemo.of("postgres").copy(os.path.join(folder, "first"), env)
        first.output_path = os.path.join(folder, "first.out")
        servers.append(first.start())
        second = Server("postgres", os.path.join(folder, "second"), dict(env, TANGGAP_DEMO="never"))
        os.makedirs(second.data_dir)
        second.env["TANGGAP_DATABASE_URL"] = first.env["TANGGAP_DATABASE_URL"]
        second.output_path = os.path.join(folder, "second.out")
        servers.append(second.start())
        if with_worker:
            worker_log = open(os.path.join(folder, "worker.out"), "ab")
            worker = subprocess.Popen([BINARY, "worker", "--loops", "2"], cwd=ROOT, env=dict(second.env),
                                      stdout=worker_log, stderr=subprocess.STDOUT)
        os.makedirs(os.path.join(folder, "nginx"))
        proxy = Nginx(os.path.join(folder, "nginx"), proxy_port, [first.port, second.port])
        yield {"gateway": gateway, "proxy": proxy, "servers": (first, second), "password": first.password, "store": store}
        if worker:
            worker.terminate()
            assert worker.wait(timeout=30) == 0, "the worker stops cleanly on SIGTERM"
    finally:
        if proxy:
            proxy.stop()
        if worker and worker.poll() is None:
            worker.kill()
            worker.wait()
        for server in servers:
            server.stop()
        gateway.stop()
        store.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    with running_cluster() as running:
        yield running


def sms_from(phone, message_id, text, proxy):
    answer = fg.post_generic_sms(proxy.url, message_id, phone, text)
    assert answer.status_code == 200, answer.text


def test_two_servers_and_a_worker_behind_nginx_take_a_load_without_errors_or_duplicate_messages(cluster):
    proxy, gateway = cluster["proxy"], cluster["gateway"]
    token = authenticator.api_token(proxy.url, "admin@tanggap.test", cluster["password"])
    staff = {"Authorization": f"Bearer {token}"}
    phones = ["+62813" + str(uuid.uuid4().int)[:7] for _ in range(REPORTERS)]
    messages = {phone: uuid.uuid4().hex for phone in phones}

    def web_report(n):
        receipt = requests.post(proxy.url + "/api/v1/reports", timeout=30, json={
            "title": f"Trotoar rusak di depan pasar nomor {n}", "body": "Trotoar di depan pasar pecah dan membahayakan pejalan kaki.",
            "reporter_name": "Warga Uji Beban", "reporter_phone": "081300000000"})
        assert receipt.status_code == 201, receipt.text
        tracking_id = receipt.json()["tracking_id"]
        shown = requests.get(f"{proxy.url}/api/v1/reports/{tracking_id}", headers=staff, timeout=30)
        assert shown.status_code == 200 and shown.json()["title"].endswith(f"nomor {n}")
        assert requests.get(proxy.url + "/statistik", timeout=30).status_code == 200
        return tracking_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        sms = [pool.submit(sms_from, phone, messages[phone], f"lapor Air PDAM mati tiga hari di rumah {phone}", proxy) for phone in phones]
        web = [pool.submit(web_report, n) for n in range(WEB_REPORTS)]
        for future in sms:
            future.result()
        web_ids = [future.result() for future in web]
    assert len(set(web_ids)) == WEB_REPORTS

    def wait_until(condition, what, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = condition()
            if found:
                return found
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}")

    def acks():
        found = {}
        for message in gateway.sent("sms"):
            if message["to"] in messages and "diterima" in message["body"]:
                found[message["to"]] = TRACKING.search(message["body"]).group(1)
        return found if len(found) == REPORTERS else None

    tracking = wait_until(acks, "an acknowledgement to every reporter")

    # A gateway that delivers the same message again (it does, after a timeout) files nothing new.
    for phone in phones[:4]:
        sms_from(phone, messages[phone], f"lapor Air PDAM mati tiga hari di rumah {phone}", proxy)

    def verify(tracking_id):
        reply = requests.post(f"{proxy.url}/api/v1/reports/{tracking_id}/verify", json={}, headers=staff, timeout=30)
        assert reply.status_code == 200, reply.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(verify, tracking.values()))
    wait_until(lambda: all(any("diverifikasi" in m["body"] for m in gateway.sent("sms", phone)) for phone in phones),
               "the verified notice to every reporter")
    time.sleep(3)  # retries back off for a second: a duplicate would have shown by now

    for phone in phones:
        bodies = [m["body"] for m in gateway.sent("sms", phone)]
        assert len(bodies) == 2, (phone, bodies)
        assert sum("diterima" in b for b in bodies) == 1 and sum("diverifikasi" in b for b in bodies) == 1
    found = requests.get(proxy.url + "/api/v1/reports", params={"q": "PDAM", "limit": 100}, headers=staff, timeout=30).json()["items"]
    assert sum(1 for item in found if item["channel"] == "sms" and "PDAM" in item["title"]) == REPORTERS

    # The proxy spread the load over both servers, and no answer was a server error.
    log = proxy.upstream_log()
    first, second = (f"127.0.0.1:{server.port}" for server in cluster["servers"])
    served = [entry[1] for entry in log if entry[1] != "-"]
    assert served.count(first) > len(served) // 5 and served.count(second) > len(served) // 5, (served.count(first), served.count(second))
    assert not [entry for entry in log if entry[0].startswith("5")], "no server error"


def test_a_submission_retried_with_its_key_through_both_servers_files_once(cluster):
    """The same POST with the same Idempotency-Key, ten times at once and ten times in turn, half to each server."""
    servers = cluster["servers"]
    token = authenticator.api_token(cluster["proxy"].url, "admin@tanggap.test", cluster["password"])
    key = str(uuid.uuid4())
    title = f"Jembatan gantung retak {uuid.uuid4().hex[:10]}"
    report = {"title": title, "body": "Tali jembatan gantung di desa kami mulai putus; anak sekolah melintas setiap pagi.",
              "reporter_name": "Warga Uji Ulang", "reporter_phone": "081300000001"}

    def send(n, fields=report):
        return requests.post(servers[n % 2].url + "/api/v1/reports", json=fields, headers={"Idempotency-Key": key}, timeout=30)

    with ThreadPoolExecutor(max_workers=10) as pool:
        together = list(pool.map(send, range(10)))
    in_turn = [send(n) for n in range(10)]
    answers = together + in_turn
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers if a.status_code != 201]
    assert len({a.content for a in answers}) == 1, "every answer is the first one"
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 19
    changed = send(1, dict(report, title=title + " (lain)"))
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    found = requests.get(cluster["proxy"].url + "/api/v1/reports", params={"q": title.split()[-1]},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["items"]
    assert [item["title"] for item in found] == [title]


def test_a_file_uploaded_through_one_server_is_served_by_the_other(cluster):
    first, second = cluster["servers"]
    reply = requests.post(first.url + "/api/v1/reports", timeout=30, files={"attachments[]": ("jalan.png", PNG, "image/png")},
                          data={"title": "Jalan amblas di depan pasar", "reporter_name": "Warga Uji Berkas",
                                "reporter_phone": "081300000005", "body": "Jalan amblas sedalam setengah meter di depan pasar."})
    assert reply.status_code == 201, reply.text
    receipt = reply.json()
    served = {server.url: files_of(server.url, receipt["tracking_id"], receipt["secret"])[1] for server in (first, second)}
    assert served[first.url] == served[second.url] and len(served[second.url]) == 1
    assert any(served[second.url][0] == cluster["store"].read(key) for key in cluster["store"].keys("cluster"))
    for server in (first, second):
        assert not any(names for _, _, names in os.walk(os.path.join(server.data_dir, "attachments")))


def test_two_servers_meet_one_rate_limit_through_nginx():
    """A limit of 20 submissions a minute is the deployment's: 40 from one address through nginx, 20 accepted."""
    with running_cluster({"TANGGAP_RATE_LIMIT_SUBMISSIONS": "20"}, with_worker=False) as limited:
        proxy = limited["proxy"]
        report = {"title": "Sampah menumpuk di pinggir sungai", "body": "Sampah rumah tangga menumpuk di pinggir sungai sejak sepekan.",
                  "reporter_name": "Warga Uji Batas", "reporter_phone": "081300000002"}
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: requests.post(proxy.url + "/api/v1/reports", json=report, timeout=30), range(40)))
        elapsed = time.monotonic() - started
        statuses = [a.status_code for a in answers]
        accepted = statuses.count(201)
        # A token flows back every 3 s; the run takes well under that, and a per-process limit would let 40 through.
        assert 20 <= accepted <= 20 + int(elapsed / 3), (accepted, elapsed)
        assert statuses.count(429) == 40 - accepted
        assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status_code == 429)
        served = [entry[1] for entry in proxy.upstream_log() if entry[1] != "-" and entry[3] == "/api/v1/reports"]
        assert len(set(served)) == 2, "both servers took part"
