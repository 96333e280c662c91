"""Every portal page: under the size budget, every form field labelled, forms protected, headers strict."""
from html.parser import HTMLParser

import pytest
import requests

from portal import Officer, web_session

BUDGET = 60 * 1024


class FormAudit(HTMLParser):
    """Collects the form fields of a page and the labels that name them."""

    def __init__(self):
        super().__init__()
        self.fields, self.labelled, self.open_labels, self.stylesheets = [], set(), 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.labelled.add(a["for"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a["href"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.fields.append((a.get("id"), a.get("name"), self.open_labels > 0 or bool(a.get("aria-label"))))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1

    def unlabelled(self):
        return [name for (id_, name, wrapped) in self.fields if not wrapped and id_ not in self.labelled]


def portal_pages(server):
    """Each page a citizen meets, as the visitor who would see it."""
    visitor = requests.Session()
    receipt = visitor.post(server.url + "/api/v1/reports", json={
        "title": "Lampu jalan mati di Jalan Soreang", "body": "Sudah tiga minggu lampu jalan di depan masjid mati."}, timeout=10).json()
    tracking_id = receipt["tracking_id"]
    Officer(server, "admin@tanggap.test").act(tracking_id, "verify")
    citizen = web_session(server.url, "warga@tanggap.test", server.password)
    region = "/laporan?wilayah=1&status=dispatched&q=jalan"
    return [
        (visitor, "/"), (visitor, "/lapor"), (visitor, "/lacak"), (visitor, "/laporan"), (visitor, region),
        (visitor, f"/laporan/{tracking_id}"), (visitor, "/statistik"), (visitor, "/statistik?periode=semua"),
        (visitor, "/daftar"), (visitor, "/masuk"),
        (citizen, "/lapor"), (citizen, "/laporan-saya"), (citizen, "/akun"), (citizen, f"/laporan/{tracking_id}"),
    ]


def test_every_portal_page_is_under_the_size_budget_and_labels_every_field(server):
    checked = 0
    for session, path in portal_pages(server):
        reply = session.get(server.url + path, timeout=10)
        assert reply.status_code == 200, path
        audit = FormAudit()
        audit.feed(reply.text)
        css = sum(len(session.get(server.url + href, timeout=10).content) for href in audit.stylesheets)
        size = len(reply.content) + css
        assert size < BUDGET, f"{path}: {size} bytes of HTML and CSS"
        assert not audit.unlabelled(), f"{path}: fields without a label: {audit.unlabelled()}"
        checked += 1
    assert checked == 14


def test_pages_carry_a_strict_content_security_policy_and_private_caching(server):
    reply = requests.get(server.url + "/lapor", timeout=10)
    policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    assert reply.headers["Cache-Control"] == "private, no-store" and reply.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/lapor", "/lacak", "/daftar", "/masuk"])
def test_a_form_post_without_its_token_is_refused_and_changes_nothing(server, path):
    admin = Officer(server, "admin@tanggap.test")
    before = requests.get(server.url + "/api/v1/reports?limit=1", headers=admin.headers, timeout=10).json()["items"][0]
    fields = {"title": "Laporan tanpa token form", "body": "Ini seharusnya ditolak karena tidak ada token.",
              "name": "Tanpa Token", "email": "tanpa-token@contoh.id", "password": "sandi-panjang-sekali"}
    session = requests.Session()
    session.get(server.url + path, timeout=10)  # the token cookie is set, but the form field is missing
    reply = session.post(server.url + path, data=fields, timeout=10)
    assert reply.status_code == 403 and "<html" in reply.text
    forged = session.post(server.url + path, data=dict(fields, _csrf="0" * 64), timeout=10)
    assert forged.status_code == 403
    after = requests.get(server.url + "/api/v1/reports?limit=1", headers=admin.headers, timeout=10).json()["items"][0]
    assert after["tracking_id"] == before["tracking_id"]
    assert requests.post(server.url + "/api/v1/auth/tokens", json={"email": "tanpa-token@contoh.id",
                         "password": "sandi-panjang-sekali"}, timeout=10).status_code == 401


def test_public_pages_refuse_nonsense_in_their_addresses(server):
    for path in ["/laporan/BUKAN-ID", "/laporan/../../etc/passwd", "/laporan/%3Cscript%3E", "/statistik?instansi=999999",
                 "/laporan/AAAAA-AAAAA/lampiran/x"]:
        reply = requests.get(server.url + path, timeout=10)
        assert reply.status_code == 404 and "<script>" not in reply.text, path
    for query in ["?wilayah=abc&instansi=-1&kategori=%27%20OR%201=1--", "?q=" + "x" * 5000, "?sesudah=999999999999999999999"]:
        assert requests.get(server.url + "/laporan" + query, timeout=10).status_code == 200, query


def test_english_is_one_click_away_and_stays_chosen(server):
    session = requests.Session()
    assert "Buat laporan" in session.get(server.url + "/lapor", timeout=10).text
    english = session.get(server.url + "/lapor?lang=en", timeout=10)
    assert english.headers["Content-Language"] == "en" and "Make a report" in english.text
    following = session.get(server.url + "/statistik", timeout=10)
    assert following.headers["Content-Language"] == "en" and "Performance statistics" in following.text
    assert '<html lang="en">' in following.text
