"""Open311 GeoReport v2 on a real server, on each database: every endpoint in both formats, read with a real
Open311 client library (georeport) where it reads, validated against JSON Schemas written from the spec
(`open311/georeport-v2.schema.json`), every XML answer parsed by a real XML parser, and every error."""
import datetime
import json
import math
import os
import subprocess
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET

import jsonschema
import pytest
import requests
from georeport import GeoReport

import authenticator
from conftest import BINARY, ENGINES, ROOT, SeededDemo
from portal import click, click_id, fill, sign_in

with open(os.path.join(os.path.dirname(__file__), "open311", "georeport-v2.schema.json"), encoding="utf-8") as f:
    SCHEMA = json.load(f)

FLOOD_LIMIT = 40


def valid(document, definition):
    """Checks a JSON answer against one definition of the spec's schema."""
    jsonschema.validate(document, {"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]})
    return document


def xml_of(response):
    """The XML answer parsed by a real XML parser (which refuses anything not well-formed)."""
    assert response.headers["Content-Type"].startswith("text/xml"), response.headers["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def cli(srv, *args):
    done = subprocess.run([BINARY, *args], cwd=ROOT, env=srv.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class App:
    """One Open311 client app: its key, and the server it files into."""

    def __init__(self, srv, name):
        out = cli(srv, "open311", "keys", "add", name)
        self.key = out.split(f"api_key for {name}: ")[1].split()[0]
        self.name = name
        self.srv = srv

    def filed(self):
        """How many reports the server says this app has filed (counted in the same transaction as each report)."""
        for line in cli(self.srv, "open311", "keys", "list").splitlines():
            if line.startswith(self.name + "  "):
                return int(line.split()[-2])
        raise AssertionError(f"{self.name} not listed")

    def post(self, fields, fmt="json", **kwargs):
        return requests.post(f"{self.srv.url}/open311/v2/requests.{fmt}", data=dict(fields, api_key=self.key), timeout=30, **kwargs)


@pytest.fixture(params=ENGINES, scope="module")
def world(request):
    with tempfile.TemporaryDirectory(prefix="tanggap-e2e-") as data_dir:
        srv = SeededDemo.of(request.param).copy(data_dir, {"TANGGAP_RATE_LIMIT_OPEN311": str(FLOOD_LIMIT)})
        app, revoked, flood = App(srv, "KotaKita"), App(srv, "Aplikasi Lama"), App(srv, "Banjir Laporan")
        second, calm, prober = App(srv, "Aplikasi Kedua"), App(srv, "Aplikasi Tenang"), App(srv, "Aplikasi Penguji")
        cli(srv, "open311", "keys", "revoke", "Aplikasi Lama")
        srv.start()
        yield {"server": srv, "app": app, "revoked": revoked, "flood": flood, "second": second, "calm": calm, "prober": prober}
        srv.stop()


def a_report(**extra):
    fields = {"service_code": "2", "lat": "-8.65", "long": "115.22",
              "description": f"Lampu jalan di depan pasar Badung mati sejak seminggu {uuid.uuid4().hex[:8]}",
              "email": "warga.kotakita@example.org", "first_name": "Siti", "last_name": "Aminah",
              "attribute[region]": "ID-BA", "attribute[classification]": "pengaduan"}
    fields.update(extra)
    return fields


def test_discovery_and_services_in_both_formats(world):
    url = world["server"].url + "/open311/v2"
    discovery = valid(requests.get(url + "/discovery.json", timeout=10).json(), "discovery")
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2")
    root = xml_of(requests.get(url + "/discovery.xml", timeout=10))
    assert root.tag == "discovery" and [f.text for f in root.iter("format")] == ["text/xml", "application/json"]

    as_json, as_xml = GeoReport(url), GeoReport(url, output_format="xml")
    services = valid(as_json.get_service_list(), "services")
    assert len(services) > 400, "the national taxonomy: categories and their sub-categories"
    from_xml = as_xml.get_service_list()
    assert [s["service_code"] for s in from_xml] == [s["service_code"] for s in services]
    assert {s["service_name"] for s in services} >= {"AGAMA", "HAJI DAN UMROH"}
    haji = next(s for s in services if s["service_name"] == "HAJI DAN UMROH")
    assert haji["group"] == "AGAMA" and haji["metadata"] is True and haji["type"] == "realtime"
    english = requests.get(url + "/services.json", headers={"Accept-Language": "en"}, timeout=10).json()
    assert next(s for s in english if s["service_code"] == haji["service_code"])["description"].startswith("Reports about")

    definition = valid(as_json.get_service_definition(haji["service_code"]), "service_definition")
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert set(attributes) >= {"classification", "anonim", "rahasia", "event_date", "region"}
    assert [v["key"] for v in attributes["classification"]["values"]] == ["pengaduan", "aspirasi", "permintaan_informasi"]
    assert "identitas pelapor" in attributes["anonim"]["description"]
    xml_definition = as_xml.get_service_definition(haji["service_code"])
    assert [a["code"] for a in xml_definition["attributes"]["attribute"]] == [a["code"] for a in definition["attributes"]]


def staff(srv, email):
    return {"Authorization": "Bearer " + authenticator.api_token(srv.url, email, srv.password)}


def test_a_request_from_an_app_is_handled_like_any_report_and_its_answer_is_public(world):
    srv, app = world["server"], world["app"]
    before = app.filed()
    created = app.post(a_report())
    assert created.status_code == 200, created.text
    [answer] = valid(created.json(), "created")
    tracking_id = answer["service_request_id"]
    assert tracking_id in answer["service_notice"]
    assert app.filed() == before + 1

    admin = staff(srv, "admin@tanggap.test")
    stored = requests.get(f"{srv.url}/api/v1/reports/{tracking_id}", headers=admin, timeout=10).json()
    assert stored["channel"] == "open311" and stored["channel_app"] == "KotaKita"
    assert stored["reporter"]["email"] == "warga.kotakita@example.org"
    assert stored["reporter"]["name"] == "Siti Aminah" and stored["location"]["region"]["name"] == "Bali"
    assert stored["subcategory"]["name"] == "HAJI DAN UMROH" and stored["category"]["name"] == "AGAMA"

    # Not verified yet: not public, so the public list and the request itself know nothing of it.
    url = srv.url + "/open311/v2"
    missing = requests.get(f"{url}/requests/{tracking_id}.json", timeout=10)
    assert missing.status_code == 404
    valid(missing.json(), "errors")

    assert requests.post(f"{srv.url}/api/v1/reports/{tracking_id}/verify", json={}, headers=admin, timeout=10).status_code == 200
    institutions = requests.get(srv.url + "/api/v1/institutions", params={"q": "Dinas Pekerjaan Umum"}, timeout=10).json()["items"]
    pupr = next(i["id"] for i in institutions if i["name"].startswith("Dinas Pekerjaan Umum"))
    dispatched = requests.post(f"{srv.url}/api/v1/reports/{tracking_id}/dispatch", json={"institution_id": pupr}, headers=admin, timeout=10)
    assert dispatched.status_code == 200, dispatched.text
    liaison = staff(srv, "penghubung.pupr@tanggap.test")
    answered = requests.post(f"{srv.url}/api/v1/reports/{tracking_id}/answer", json={"text": "Lampu diganti Kamis ini."},
                             headers=liaison, timeout=10)
    assert answered.status_code == 200, answered.text

    client = GeoReport(url)
    one = valid([client.get_service_request(tracking_id)], "requests")[0]
    assert one["status"] == "open" and one["extended_status"] == "action scheduled"
    assert one["status_notes"] == "Lampu diganti Kamis ini." and one["agency_responsible"].startswith("Dinas Pekerjaan Umum")
    assert one["service_code"] == "2" and one["lat"] == -8.65 and "expected_datetime" in one
    text = json.dumps(one)
    assert "Siti" not in text and "warga.kotakita" not in text, "no personal data"
    xml_one = GeoReport(url, output_format="xml").get_service_request(tracking_id)
    assert xml_one["service_request_id"] == tracking_id and xml_one["status_notes"] == "Lampu diganti Kamis ini."

    listed = valid(client.get_service_requests(service_request_id=f"{tracking_id},XXXXX-XXXXX"), "requests")
    assert [r["service_request_id"] for r in listed] == [tracking_id]
    open_ones = valid(client.get_service_requests(status="open", service_code="2"), "requests")
    assert tracking_id in [r["service_request_id"] for r in open_ones] and all(r["status"] == "open" for r in open_ones)
    closed = valid(client.get_service_requests(status="closed"), "requests")
    assert tracking_id not in [r["service_request_id"] for r in closed] and all(r["status"] == "closed" for r in closed)
    # The same requests in XML, asked by their ids (a list by time and state may change between two reads).
    some = [r["service_request_id"] for r in closed[:50]]
    xml_list = xml_of(requests.get(f"{url}/requests.xml", params={"service_request_id": ",".join(some)}, timeout=10))
    assert xml_list.tag == "service_requests"
    assert {r.find("service_request_id").text for r in xml_list.findall("request")} == set(some)
    assert {r.find("status").text for r in xml_list.findall("request")} <= {"closed"}

    # One closed window for both formats.
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    window = {"start_date": (now - datetime.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
              "end_date": (now + datetime.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")}
    time.sleep(1.2)  # the window has closed before either format is read
    updates = valid(requests.get(f"{url}/servicerequestupdates.json", params=window, timeout=10).json(), "updates")
    mine = [u for u in updates if u["service_request_id"] == tracking_id]
    assert [u["extended_status"] for u in mine] == ["investigating", "in progress", "action scheduled"]
    assert mine[-1]["description"] == "Lampu diganti Kamis ini."
    xml_updates = xml_of(requests.get(f"{url}/servicerequestupdates.xml", params=window, timeout=10))
    # The same steps of this report in both formats. Other reports' steps were seen to appear inside the closed
    # window between the two reads (written with a time earlier than their writing), so only ours are compared.
    xml_mine = [u.find("update_id").text for u in xml_updates.findall("request_update")
                if u.find("service_request_id").text == tracking_id]
    assert xml_updates.tag == "service_request_updates" and xml_mine == [u["update_id"] for u in mine]

    # tokens/{token}: only the app that filed the request learns of it.
    token = requests.get(f"{url}/tokens/{tracking_id}.json", params={"api_key": app.key}, timeout=10)
    assert valid(token.json(), "token")[0]["service_request_id"] == tracking_id
    assert xml_of(requests.get(f"{url}/tokens/{tracking_id}.xml", params={"api_key": app.key}, timeout=10)).find("request/token").text
    assert requests.get(f"{url}/tokens/{tracking_id}.json", params={"api_key": world["flood"].key}, timeout=10).status_code == 404
    assert requests.get(f"{url}/tokens/{tracking_id}.json", timeout=10).status_code == 403


def test_a_rahasia_request_is_never_public(world):
    srv, app = world["server"], world["app"]
    created = app.post(a_report(**{"attribute[rahasia]": "true", "attribute[anonim]": "true"}), fmt="xml")
    assert created.status_code == 200, created.text
    tracking_id = xml_of(created).find("request/service_request_id").text
    admin = staff(srv, "admin@tanggap.test")
    assert requests.post(f"{srv.url}/api/v1/reports/{tracking_id}/verify", json={}, headers=admin, timeout=10).status_code == 200
    stored = requests.get(f"{srv.url}/api/v1/reports/{tracking_id}", headers=admin, timeout=10).json()
    assert stored["is_confidential"] and stored["is_anonymous"]
    assert requests.get(f"{srv.url}/open311/v2/requests/{tracking_id}.json", timeout=10).status_code == 404
    listed = requests.get(f"{srv.url}/open311/v2/requests.json", params={"service_request_id": tracking_id}, timeout=10).json()
    assert listed == []


def test_a_retry_with_its_idempotency_key_files_once(world):
    app = world["app"]
    before = app.filed()
    key = str(uuid.uuid4())
    fields = a_report()
    answers = [app.post(fields, headers={"Idempotency-Key": key}) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert [a.headers.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert app.filed() == before + 1
    # Another app on the same address choosing the same key files its own report: keys belong to the app.
    other = world["second"].post(fields, headers={"Idempotency-Key": key})
    assert other.status_code == 200 and other.headers.get("Idempotent-Replayed") is None
    assert other.json()[0]["service_request_id"] != answers[0].json()[0]["service_request_id"]


BAD = [
    ("no service_code", {"service_code": ""}, 400, "service_code"),
    ("unknown service", {"service_code": "987654"}, 400, "service_code"),
    ("SQL as the service", {"service_code": "2 OR 1=1"}, 400, "service_code"),
    ("latitude out of range", {"lat": "91"}, 400, "lat"),
    ("longitude not a number", {"long": "timur"}, 400, "long"),
    ("only a latitude", {"long": ""}, 400, "long"),
    ("no location at all", {"lat": "", "long": ""}, 400, "lat"),
    ("no description", {"description": ""}, 400, "description"),
    ("description too long", {"description": "jalan rusak " * 1000}, 400, "description"),
    ("bad e-mail", {"email": "bukan-email"}, 400, "email"),
    ("unknown attribute", {"attribute[../../etc/passwd]": "1"}, 400, "attribute[../../etc/passwd]"),
    ("bad classification", {"attribute[classification]": "<script>alert(1)</script>"}, 400, "attribute[classification]"),
    ("bad anonim", {"attribute[anonim]": "mungkin"}, 400, "attribute[anonim]"),
    ("unknown region", {"attribute[region]": "ID-XX"}, 400, "attribute[region]"),
    ("event in the future", {"attribute[event_date]": "2099-01-01"}, 400, "attribute[event_date]"),
    ("media on loopback", {"media_url": "http://127.0.0.1:8080/foto.jpg"}, 400, "media_url"),
    ("media on a private address", {"media_url": "http://192.168.1.10/foto.jpg"}, 400, "media_url"),
    ("media on IPv6 loopback", {"media_url": "http://[::1]/foto.jpg"}, 400, "media_url"),
    ("media on a decimal address", {"media_url": "http://2130706433/foto.jpg"}, 400, "media_url"),
    ("media on localhost", {"media_url": "http://localhost/foto.jpg"}, 400, "media_url"),
    ("media by file", {"media_url": "file:///etc/passwd"}, 400, "media_url"),
    ("wrong jurisdiction", {"jurisdiction_id": "kota-lain.go.id"}, 404, None),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("case,change,status,field", BAD, ids=[c[0] for c in BAD])
def test_bad_input_gets_a_spec_shaped_error_and_stores_nothing(world, case, change, status, field, fmt):
    # A refused request spends its app's allowance too (the limit comes before the checks): the XML half comes from
    # an app of its own, so neither half runs into the limit however fast the machine.
    app = world["app"] if fmt == "json" else world["prober"]
    before = app.filed()
    reply = app.post(a_report(**change), fmt=fmt)
    assert reply.status_code == status, reply.text
    if fmt == "json":
        descriptions = [e["description"] for e in valid(reply.json(), "errors")]
        assert {e["code"] for e in reply.json()} == {status}
    else:
        root = xml_of(reply)
        assert root.tag == "errors"
        descriptions = [e.find("description").text for e in root.findall("error")]
        assert {e.find("code").text for e in root.findall("error")} == {str(status)}
    if field:
        assert any(d.startswith(field + ":") for d in descriptions), descriptions
    assert app.filed() == before


def test_keys_bodies_formats_and_floods(world):
    srv, app = world["server"], world["app"]
    url = srv.url + "/open311/v2"
    before = app.filed()
    no_key = requests.post(f"{url}/requests.json", data=a_report(), timeout=10)
    assert no_key.status_code == 403 and valid(no_key.json(), "errors")[0]["description"].startswith("api_key:")
    for key in ["0" * 16 + "." + "0" * 48, "' OR '1'='1", world["revoked"].key]:
        refused = requests.post(f"{url}/requests.xml", data=dict(a_report(), api_key=key), timeout=10)
        assert refused.status_code == 403 and xml_of(refused).find("error/code").text == "403"
    as_json = requests.post(f"{url}/requests.json", json=dict(a_report(), api_key=app.key), timeout=10)
    assert as_json.status_code == 400 and "x-www-form-urlencoded" in as_json.json()[0]["description"]
    twice = requests.post(f"{url}/requests.json", data=f"api_key={app.key}&service_code=2&service_code=3", timeout=10,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert twice.status_code == 400 and valid(twice.json(), "errors")[0]["description"].startswith("service_code:")
    huge = requests.post(f"{url}/requests.json", data=dict(a_report(), api_key=app.key, description="x" * 6_000_000), timeout=60)
    assert huge.status_code == 413 and valid(huge.json(), "errors")[0]["code"] == 413
    assert app.filed() == before

    for path in ["services.yaml", "services.", "nothing.json", "services/2.html", "requests/ABC.csv", "v3/services.json",
                 "services/..%2F..%2Fetc%2Fpasswd.json"]:
        reply = requests.get(f"{url}/{path}", timeout=10)
        assert reply.status_code == 404, path
        valid(reply.json(), "errors")
    assert requests.get(f"{url}/services/2.xml", params={"jurisdiction_id": "elsewhere"}, timeout=10).status_code == 404
    own = requests.get(f"{url}/discovery.json", timeout=10).json()["endpoints"][0]["url"].split("/")[2].split(":")[0]
    assert requests.get(f"{url}/services/2.xml", params={"jurisdiction_id": own}, timeout=10).status_code == 200
    assert requests.get(f"{url}/services.json", params={"jurisdiction_id": "elsewhere"}, timeout=10).status_code == 404
    too_long = requests.get(f"{url}/requests.json", params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
                            timeout=10)
    assert too_long.status_code == 400 and valid(too_long.json(), "errors")[0]["description"].startswith("end_date:")
    assert requests.get(f"{url}/requests.xml", params={"status": "lost"}, timeout=10).status_code == 400

    # What an app sends comes back escaped, never as markup: the XML still parses and says exactly what was sent.
    hostile = "Jalan rusak </description><injected>1</injected> & \"kutip\" {\"json\": true} ]]> <!-- -->"
    # From an app whose allowance is whole: the bad inputs above spent KotaKita's, and how much of it has come back
    # by now depends on the machine's speed.
    calm = world["calm"]
    created = calm.post(a_report(description=hostile), fmt="xml")
    assert created.status_code == 200, created.text
    tracking_id = xml_of(created).find("request/service_request_id").text
    admin = staff(srv, "admin@tanggap.test")
    assert requests.post(f"{srv.url}/api/v1/reports/{tracking_id}/verify", json={}, headers=admin, timeout=10).status_code == 200
    request = xml_of(requests.get(f"{url}/requests/{tracking_id}.xml", timeout=10)).find("request")
    assert request.find("description").text == hostile and request.find("injected") is None
    assert requests.get(f"{url}/requests/{tracking_id}.json", timeout=10).json()[0]["description"] == hostile

    # A flood from one key: refused past its allowance, with the time to wait; another app is not held back.
    flood = world["flood"]
    started = time.monotonic()
    answers = [flood.post(a_report()) for _ in range(FLOOD_LIMIT + 10)]
    elapsed = time.monotonic() - started
    refused = [a for a in answers if a.status_code == 429]
    assert refused and all(a.status_code in (200, 429) for a in answers)
    assert int(refused[0].headers["Retry-After"]) >= 1 and valid(refused[0].json(), "errors")[0]["code"] == 429
    # The bucket holds FLOOD_LIMIT and refills FLOOD_LIMIT a minute while the flood goes on.
    assert flood.filed() == len(answers) - len(refused) <= FLOOD_LIMIT + math.ceil(elapsed * FLOOD_LIMIT / 60)
    assert calm.post(a_report()).status_code == 200


def test_a_national_admin_issues_a_key_in_the_browser_sees_it_once_and_revokes_it(world, browser):
    srv = world["server"]
    browser.delete_all_cookies()
    sign_in(browser, srv.url, "admin@tanggap.test", srv.password, "/kelola/admin")
    fill(browser, "open311-name", "Aplikasi Warga Peramban")
    click_id(browser, "do-open311")
    notice = browser.page_source
    key = notice.split("api_key untuk Aplikasi Warga Peramban: ")[1].split(" ")[0]
    app = App.__new__(App)
    app.srv, app.name, app.key = srv, "Aplikasi Warga Peramban", key
    assert app.post(a_report()).status_code == 200
    browser.get(srv.url + "/kelola/admin")
    assert key not in browser.page_source, "the key is shown once, on the page that issued it"
    listed = browser.find_element("id", "open311-apps").text
    assert "Aplikasi Warga Peramban" in listed and "1 laporan" in listed
    revoke = next(b for b in browser.find_elements("css selector", "#open311-apps li")
                  if "Aplikasi Warga Peramban" in b.text).find_element("css selector", "button")
    click(browser, revoke)  # waits for the page that answers the revocation, not the one it came from
    assert "dicabut" in browser.find_element("id", "open311-apps").text
    assert app.post(a_report()).status_code == 403
    assert "Kunci aplikasi Open311 diberikan" in browser.page_source, "in the admin record"


def test_schemathesis_finds_no_server_error_on_the_open311_surface(world):
    srv = world["server"]
    import sys
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    result = subprocess.run(
        [schemathesis, "run", os.path.join(ROOT, "docs", "open311.openapi.yaml"), "--url", srv.url + "/open311/v2",
         "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
         "--max-examples", "25", "--seed", "20261207", "--no-color"],
        capture_output=True, text=True, timeout=900)
    summary = result.stdout[result.stdout.find("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
    print(f"schemathesis (Open311) on {srv.engine}:\n{summary}")
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
