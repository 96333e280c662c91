"""The back office in a real headless chromium: verify and dispatch from the inbox, answer with a template, the
reporter's reply back in the officer's inbox, a duplicate, and another institution kept out."""
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from portal import Officer, click, click_id, fill, sign_in, web_session


@pytest.fixture
def fresh(browser):
    browser.delete_all_cookies()
    return browser


def citizen_report(server, title, anonymous=False):
    bandung = requests.get(server.url + "/api/v1/institutions", params={"q": "Pemerintah Kabupaten Bandung"}, timeout=10).json()
    target = next(i["id"] for i in bandung["items"] if i["name"] == "Pemerintah Kabupaten Bandung")
    reply = requests.post(server.url + "/api/v1/reports", timeout=10, json={
        "title": title, "body": "Isi laporan yang cukup panjang untuk diterima oleh sistem.", "target_institution_id": target,
        "is_anonymous": anonymous, "reporter_name": "Nama Rahasia Pelapor", "reporter_phone": "081377778888"})
    assert reply.status_code == 201, reply.text
    return reply.json()["tracking_id"], reply.json()["secret"]


def open_from_inbox(driver, server, tab, tracking_id, title):
    """The inbox tab, searched for the report's title (the demo fills every tab with more than a page)."""
    driver.get(f"{server.url}/kelola/kotak?tab={tab}&q={title}")
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "table.inbox th a") if tracking_id in a.text]
    assert links, f"{tracking_id} is not under {tab}"
    click(driver, links[0])


def test_verify_dispatch_answer_with_a_template_and_the_reply_comes_back(server, fresh):
    driver = fresh
    title = f"Jalan berlubang {uuid.uuid4().hex[:6]}"
    tracking_id, secret = citizen_report(server, title, anonymous=True)

    sign_in(driver, server.url, "admin.bandung@tanggap.test", server.password, "/kelola/kotak")
    open_from_inbox(driver, server, "baru", tracking_id, title)
    assert "Nama Rahasia Pelapor" not in driver.page_source, "the admin of the regency does not see an anonymous reporter"
    click_id(driver, "do-verify")
    assert "Tersimpan" in driver.find_element(By.TAG_NAME, "main").text
    Select(driver.find_element(By.ID, "dispatch-to")).select_by_visible_text("Dinas Kesehatan")
    click_id(driver, "do-dispatch")
    assert driver.find_element(By.CLASS_NAME, "badge").text == "Didisposisikan"

    driver.delete_all_cookies()
    sign_in(driver, server.url, "penghubung.dinkes@tanggap.test", server.password, "/kelola/kotak")
    open_from_inbox(driver, server, "baru", tracking_id, title)
    Select(driver.find_element(By.ID, "templat")).select_by_visible_text("Sudah ditindaklanjuti")
    click_id(driver, "use-template")
    assert "Petugas kami telah turun" in driver.find_element(By.ID, "answer-text").get_attribute("value")
    click_id(driver, "do-answer")
    assert driver.find_element(By.CLASS_NAME, "badge").text == "Ditindaklanjuti"

    # The reporter replies; the report is back with the unit, under "waiting for me".
    reply = requests.post(f"{server.url}/api/v1/reports/{tracking_id}/reply", headers={"X-Report-Secret": secret},
                          json={"text": "Masih ada satu lubang lagi di ujung jalan."}, timeout=10)
    assert reply.status_code == 200, reply.text
    open_from_inbox(driver, server, "menunggu", tracking_id, title)
    assert "Masih ada satu lubang lagi" in driver.find_element(By.TAG_NAME, "main").text


def test_a_duplicate_and_another_institution_kept_out(server, fresh):
    driver = fresh
    main_id, _ = citizen_report(server, f"Lampu jalan mati {uuid.uuid4().hex[:6]}")
    duplicate_id, _ = citizen_report(server, f"Lampu jalan mati lagi {uuid.uuid4().hex[:6]}", anonymous=True)
    sign_in(driver, server.url, "admin.bandung@tanggap.test", server.password, f"/kelola/laporan/{duplicate_id}")
    Select(driver.find_element(By.ID, "archive-reason")).select_by_value("duplicate")
    fill(driver, "duplicate-of", main_id)
    click_id(driver, "do-archive")
    page = driver.find_element(By.TAG_NAME, "main").text
    assert "Diarsipkan" in page

    # An officer of another institution: forbidden by URL, and no anonymous reporter's name anywhere they can go.
    other = web_session(server.url, "admin.kemenkes@tanggap.test", server.password)
    for tracking_id in [main_id, duplicate_id]:
        assert other.get(f"{server.url}/kelola/laporan/{tracking_id}", timeout=10).status_code == 403
    for path in ["/kelola", "/kelola/kotak", "/kelola/kotak?tab=menunggu", "/laporan", f"/laporan/{main_id}"]:
        assert "Nama Rahasia Pelapor" not in other.get(server.url + path, timeout=10).text, path


def test_the_dashboard_ranks_the_units_and_stays_within_ones_own_tree(server, fresh):
    driver = fresh
    sign_in(driver, server.url, "admin.bandung@tanggap.test", server.password, "/kelola/dasbor")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Dinas Kesehatan" in main and "Penghubung Dinkes Kab. Bandung" in main
    received = int(driver.find_element(By.ID, "d-received").text)
    units = [int(row.find_elements(By.CSS_SELECTOR, "td")[1].text)
             for row in driver.find_elements(By.CSS_SELECTOR, "table.inbox")[0].find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert received > 0 and sum(units) == received, "the units add up to the regency"
    bandung = requests.get(server.url + "/api/v1/institutions", params={"q": "Pemerintah Kabupaten Bandung"}, timeout=10).json()
    bandung_id = next(i["id"] for i in bandung["items"] if i["name"] == "Pemerintah Kabupaten Bandung")
    other = web_session(server.url, "admin.kemenkes@tanggap.test", server.password)
    assert other.get(f"{server.url}/kelola/dasbor?instansi={bandung_id}", timeout=10).status_code == 403


def test_exports_respect_visibility_and_open_data_has_no_personal_data(server):
    import csv
    import io
    anonymous_id, _ = citizen_report(server, f"Lapak liar {uuid.uuid4().hex[:6]}", anonymous=True)
    admin = web_session(server.url, "admin.bandung@tanggap.test", server.password)
    rows = list(csv.DictReader(io.StringIO(admin.get(server.url + "/kelola/kotak.csv?tab=baru", timeout=30).text)))
    mine = [r for r in rows if r["tracking_id"] == anonymous_id]
    assert mine and mine[0]["reporter_name"] == "" and mine[0]["reporter_phone"] == "", "anonymous: no identity in the export"
    other = web_session(server.url, "admin.kemenkes@tanggap.test", server.password)
    assert anonymous_id not in other.get(server.url + "/kelola/kotak.csv?tab=baru", timeout=30).text

    Officer(server, "admin.bandung@tanggap.test").act(anonymous_id, "verify")
    records = requests.get(server.url + "/api/v1/open-data/reports.json", timeout=60).json()["items"]
    assert anonymous_id in {r["tracking_id"] for r in records}
    text = requests.get(server.url + "/api/v1/open-data/reports.csv", timeout=60).text
    assert anonymous_id in text and "Nama Rahasia Pelapor" not in text and "081377778888" not in text
    assert not any(key in records[0] for key in ["reporter", "body", "reporter_name", "reporter_phone"])
    assert all(r["state"] != "received" for r in records), "only verified reports are published"


def test_the_weekly_review_prints_and_exports(server):
    import csv
    import io
    admin = web_session(server.url, "admin.bandung@tanggap.test", server.password)
    page = admin.get(server.url + "/kelola/tinjauan", timeout=30)
    assert page.status_code == 200 and "Tinjauan mingguan" in page.text and "Merah saat ini" in page.text
    rows = list(csv.DictReader(io.StringIO(admin.get(server.url + "/kelola/tinjauan.csv", timeout=30).text)))
    sections = {row["section"] for row in rows}
    assert "red_since" in sections, "the demo holds late reports"
    other = web_session(server.url, "admin.kemenkes@tanggap.test", server.password)
    bandung = requests.get(server.url + "/api/v1/institutions", params={"q": "Pemerintah Kabupaten Bandung"}, timeout=10).json()
    bandung_id = next(i["id"] for i in bandung["items"] if i["name"] == "Pemerintah Kabupaten Bandung")
    assert other.get(f"{server.url}/kelola/tinjauan?instansi={bandung_id}", timeout=10).status_code == 403


def test_an_institution_admin_invites_a_colleague_adds_a_unit_and_every_change_is_recorded(server, fresh):
    driver = fresh
    sign_in(driver, server.url, "admin.bandung@tanggap.test", server.password, "/kelola/admin")
    email = f"petugas-{uuid.uuid4().hex[:6]}@pemkab.test"
    fill(driver, "invite-name", "Petugas Baru")
    fill(driver, "invite-email", email)
    Select(driver.find_element(By.ID, "invite-role")).select_by_value("liaison_officer")
    Select(driver.find_element(By.ID, "invite-place")).select_by_visible_text("· Dinas Kesehatan")
    click_id(driver, "do-invite")
    notice = driver.find_element(By.ID, "notice").text
    password = notice.rsplit(" ", 1)[-1]
    assert email in notice and len(password) >= 10
    assert requests.post(server.url + "/api/v1/auth/tokens", json={"email": email, "password": password}, timeout=10).status_code == 201

    fill(driver, "unit-name", "UPT Puskesmas Baru")
    click_id(driver, "do-unit")
    page = driver.find_element(By.TAG_NAME, "main").text
    assert "UPT Puskesmas Baru" in page and "Petugas diundang" in page and "Unit dibuat" in page

    # Deactivating ends the colleague's access at once.
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "table.inbox tbody tr") if email in r.text)
    click(driver, row.find_element(By.CSS_SELECTOR, "button"))
    assert requests.post(server.url + "/api/v1/auth/tokens", json={"email": email, "password": password}, timeout=10).status_code == 401
    assert "Akun dinonaktifkan" in driver.find_element(By.TAG_NAME, "main").text

    # A liaison officer may not administer; another institution's admin may not administer Bandung.
    liaison = web_session(server.url, "penghubung.dinkes@tanggap.test", server.password)
    assert liaison.get(server.url + "/kelola/admin", timeout=10).status_code == 403


def test_the_workspace_of_a_report_at_a_unit_without_sub_units_renders(server):
    """Dispatch is offered to the regency's admin, but there is nowhere further down to send it."""
    admin = Officer(server, "admin.bandung@tanggap.test")
    tracking_id, _ = citizen_report(server, f"Antrean panjang {uuid.uuid4().hex[:6]}")
    admin.act(tracking_id, "verify")
    admin.act(tracking_id, "dispatch", institution_id=admin.institution("Dinas Sosial"))
    page = web_session(server.url, "admin.bandung@tanggap.test", server.password).get(f"{server.url}/kelola/laporan/{tracking_id}", timeout=10)
    assert page.status_code == 200 and 'id="do-dispatch"' not in page.text and 'id="do-note"' in page.text


def test_back_office_bad_input_is_refused_and_changes_nothing(server):
    from portal import csrf_of
    admin = web_session(server.url, "admin.bandung@tanggap.test", server.password)
    before = admin.get(server.url + "/kelola/admin", timeout=10)
    token = csrf_of(before.text)
    # Nonsense filters and cursors are ignored, not errors.
    for query in ["?tab=xyz&instansi=-1&kategori=%27%20OR%201=1--&dari=kemarin&sesudah=abc.def", "?q=" + "x" * 5000,
                  "?wilayah=<script>alert(1)</script>"]:
        reply = admin.get(server.url + "/kelola/kotak" + query, timeout=30)
        assert reply.status_code == 200 and "<script>alert(1)" not in reply.text, query
    # Unknown reports and actions, forged tokens, bogus bulk selections.
    assert admin.get(server.url + "/kelola/laporan/AAAAA-AAAAA", timeout=10).status_code == 404
    tracking_id, _ = citizen_report(server, f"Data buruk {uuid.uuid4().hex[:6]}")
    assert admin.post(f"{server.url}/kelola/laporan/{tracking_id}/tindakan/confirm", data={"_csrf": token}, timeout=10).status_code == 404
    assert admin.post(f"{server.url}/kelola/laporan/{tracking_id}/tindakan/verify", data={"_csrf": "0" * 64}, timeout=10).status_code == 403
    bulk = admin.post(server.url + "/kelola/kotak/massal", timeout=10, allow_redirects=False,
                      data={"_csrf": token, "action": "spam", "ids[]": ["bukan-id", "../../etc/passwd", tracking_id[:5]]})
    assert bulk.status_code == 303 and bulk.headers["Location"].endswith("hasil=0-3")
    assert admin.post(server.url + "/kelola/kotak/massal", data={"_csrf": token, "action": "hapus-semua"}, timeout=10).status_code == 422
    # An invitation with a bad address, or to a place outside one's tree, creates nobody.
    bad = admin.post(server.url + "/kelola/admin/undang", timeout=10, data={
        "_csrf": token, "name": "<b>X</b>", "email": "bukan-email", "role": "liaison_officer", "institution_id": "1"})
    assert bad.status_code == 422 and "<b>X</b>" not in bad.text
    wrong_place = admin.post(server.url + "/kelola/admin/undang", timeout=10, data={
        "_csrf": token, "name": "Orang Luar", "email": "luar@pemkab.test", "role": "national_admin", "institution_id": "1"})
    assert wrong_place.status_code == 422
    assert requests.post(server.url + "/api/v1/auth/tokens", json={"email": "luar@pemkab.test", "password": "x" * 12},
                         timeout=10).status_code == 401
    assert admin.post(server.url + "/kelola/admin/unit", data={"_csrf": token, "name": "", "kind": "ministry"}, timeout=10).status_code == 422
    after = admin.get(server.url + "/kelola/admin", timeout=10).text
    assert after.count("<li>") == before.text.count("<li>"), "no unit, person or record was added"


def test_deadlines_and_the_working_week_are_set_on_a_page_and_recorded(server, fresh):
    """An institution admin sets its own answer limit and a six-day week; the clock (read through the API) follows,
    the record shows both, bad numbers change nothing, and following the level above again undoes it."""
    from portal import csrf_of
    driver = fresh
    admin = Officer(server, "admin.bandung@tanggap.test")
    bandung = admin.institution("Pemerintah Kabupaten Bandung")

    def in_force():
        sla = requests.get(f"{server.url}/api/v1/sla", params={"institution_id": bandung}, headers=admin.headers, timeout=10).json()
        week = requests.get(f"{server.url}/api/v1/institutions/{bandung}/calendar", headers=admin.headers, timeout=10).json()
        return sla["answer"], week["working_weekdays"]

    assert in_force() == ({"amount": 5, "unit": "working_days"}, [1, 2, 3, 4, 5])
    sign_in(driver, server.url, "admin.bandung@tanggap.test", server.password, "/kelola/admin")
    click_id(driver, "deadlines-link")
    fill(driver, "limit-answer", "7")
    click_id(driver, "do-limits")
    assert "Batas waktu disimpan" in driver.find_element(By.ID, "notice").text
    assert "7 hari kerja" in driver.find_element(By.TAG_NAME, "table").text
    driver.find_element(By.ID, "hari-6").click()  # ticks a box; no page load
    click_id(driver, "do-week")
    assert in_force() == ({"amount": 7, "unit": "working_days"}, [1, 2, 3, 4, 5, 6])

    # Bad numbers are refused beside their field, escaped, and change nothing.
    page = web_session(server.url, "admin.bandung@tanggap.test", server.password)
    token = csrf_of(page.get(f"{server.url}/kelola/admin/tenggat?instansi={bandung}", timeout=10).text)
    for bad in ["abc", "0", "99999", "<script>alert(1)</script>", "7; DROP TABLE sla_policies"]:
        reply = page.post(f"{server.url}/kelola/admin/tenggat/batas?instansi={bandung}", data={"_csrf": token, "answer": bad}, timeout=10)
        assert reply.status_code == 422 and "<script>alert(1)" not in reply.text, bad
    assert page.post(f"{server.url}/kelola/admin/tenggat/pekan?instansi={bandung}", data={"_csrf": token, "hari[]": ["0", "9"]},
                     timeout=10).status_code == 422
    assert page.post(f"{server.url}/kelola/admin/tenggat/batas?instansi={bandung}", data={"_csrf": "0" * 64, "answer": "1"},
                     timeout=10).status_code == 403
    assert in_force() == ({"amount": 7, "unit": "working_days"}, [1, 2, 3, 4, 5, 6])

    # Others may not: a liaison officer, and another institution's admin for Bandung.
    assert web_session(server.url, "penghubung.dinkes@tanggap.test", server.password).get(
        f"{server.url}/kelola/admin/tenggat", timeout=10).status_code == 403

    # Back to what the level above says; every change is on the record.
    click_id(driver, "do-limits-remove")
    click_id(driver, "do-week-inherit")
    assert in_force() == ({"amount": 5, "unit": "working_days"}, [1, 2, 3, 4, 5])
    driver.get(f"{server.url}/kelola/admin?instansi={bandung}")
    record = driver.find_element(By.TAG_NAME, "main").text
    assert "Batas waktu diubah" in record and "Minggu kerja diubah" in record and "Batas waktu dikembalikan" in record
