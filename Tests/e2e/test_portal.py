"""The citizen portal in a real headless chromium: report, track, reply, confirm, rate; accounts; privacy."""
import uuid

import pytest
import requests
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from portal import (Officer, answer, click, click_id, csrf_of, fill, png_file, publish, register, sign_in, submit_form_of,
                    submit_report, web_session)


@pytest.fixture
def fresh(browser):
    browser.delete_all_cookies()
    return browser


def text_of(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def test_a_citizen_without_an_account_reports_tracks_replies_confirms_and_rates(server, fresh):
    driver = fresh
    submit_report(driver, server.url, "Obat habis di Puskesmas Banjaran",
                  "Sejak awal bulan obat hipertensi tidak tersedia di Puskesmas Banjaran; pasien diminta membeli sendiri.",
                  name="Dewi Lestari", phone="081234567890", attachment=png_file(), location="Jl. Raya Banjaran No. 12")
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    secret = driver.find_element(By.ID, "secret").text
    assert len(tracking_id) == 11 and len(secret) == 19
    assert driver.find_element(By.ID, "report-link").get_attribute("href").endswith(f"/laporan/{tracking_id}")

    # Another browser (no cookies): the tracking ID alone opens nothing of an unpublished report...
    driver.delete_all_cookies()
    driver.get(server.url + "/lacak")
    fill(driver, "tracking_id", tracking_id)
    submit_form_of(driver, "tracking_id")
    assert "tidak ditemukan" in text_of(driver).lower()
    # ...with the secret it opens the report, with its file.
    fill(driver, "tracking_id", tracking_id)
    fill(driver, "secret", secret.lower())
    submit_form_of(driver, "tracking_id")
    assert driver.current_url.endswith(f"/laporan/{tracking_id}")
    page = text_of(driver)
    assert "Obat habis di Puskesmas Banjaran" in page and "Laporan diterima" in page and "Dewi Lestari" in page
    file_link = driver.find_element(By.LINK_TEXT, "foto-lokasi.png").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    picture = requests.get(file_link, cookies=cookies, timeout=10)
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/png"
    assert requests.get(file_link, timeout=10).status_code == 404, "a stranger cannot fetch the file"

    # An officer answers through the API; the reporter reads it and replies with a photo.
    answer(server, tracking_id, "Stok obat sudah dikirim dari gudang farmasi kabupaten.")
    driver.refresh()
    page = text_of(driver)
    assert "Stok obat sudah dikirim" in page and "Tindak lanjut" in page and "Dinas Kesehatan" in page
    fill(driver, "reply_text", "Terima kasih, tetapi obat untuk diabetes juga belum ada.")
    driver.find_element(By.ID, "reply_files").send_keys(png_file("resep.png"))
    click_id(driver, "reply")
    assert "Tanggapan pelapor" in text_of(driver) and "resep.png" in text_of(driver)

    # The reply went back to the unit; it answers again and the reporter confirms and rates.
    answer(server, tracking_id, "Obat diabetes juga sudah tersedia sejak hari ini.")
    driver.refresh()
    click_id(driver, "confirm")
    assert "Selesai" in text_of(driver)
    driver.find_element(By.CSS_SELECTOR, "input[name=rating][value=satisfied]").click()  # a radio: no new page
    fill(driver, "rating_comment", "Cepat ditanggapi.")
    click_id(driver, "rate")
    page = text_of(driver)
    assert "Puas" in page and "Cepat ditanggapi." in page

    report = requests.get(f"{server.url}/api/v1/reports/{tracking_id}", headers={"X-Report-Secret": secret}, timeout=10).json()
    assert report["state"] == "completed" and report["rating"] == "satisfied" and report["channel"] == "web"


def test_a_refused_form_keeps_everything_typed_and_says_why_next_to_the_field(server, fresh):
    driver = fresh
    driver.get(server.url + "/lapor")
    fill(driver, "title", "Jln")
    fill(driver, "body", "Jalan rusak parah di depan pasar, banyak pengendara jatuh.")
    fill(driver, "reporter_email", "bukan-email")
    before = requests.get(server.url + "/api/v1/reports", headers=Officer(server, "admin@tanggap.test").headers, timeout=10).json()
    submit_form_of(driver, "title")
    errors = [e.text for e in driver.find_elements(By.CLASS_NAME, "field-error")]
    assert len(errors) == 2 and any("pendek" in e for e in errors)
    assert driver.find_element(By.ID, "body").get_attribute("value").startswith("Jalan rusak parah")
    assert driver.find_element(By.ID, "reporter_email").get_attribute("value") == "bukan-email"
    after = requests.get(server.url + "/api/v1/reports", headers=Officer(server, "admin@tanggap.test").headers, timeout=10).json()
    assert after["items"][0]["tracking_id"] == before["items"][0]["tracking_id"], "nothing was stored"


def test_a_citizen_with_an_account_finds_the_report_under_my_reports(server, fresh):
    driver = fresh
    email = f"warga-{uuid.uuid4().hex[:8]}@contoh.id"
    driver.get(server.url + "/daftar")
    fill(driver, "name", "Budi Santoso")
    fill(driver, "email", email)
    fill(driver, "password", "sandi-yang-panjang-1")
    submit_form_of(driver, "password")
    assert driver.current_url.endswith("/laporan-saya") and "belum mengirim" in text_of(driver)
    submit_report(driver, server.url, "Antrean KTP elektronik sangat panjang",
                  "Setiap hari antrean di Disdukcapil mengular sampai ke jalan dan blangko sering habis.")
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    assert not driver.find_elements(By.ID, "secret"), "an account needs no secret"
    driver.get(server.url + "/laporan-saya")
    assert "Antrean KTP elektronik sangat panjang" in text_of(driver)
    click(driver, driver.find_element(By.LINK_TEXT, "Antrean KTP elektronik sangat panjang"))
    assert driver.current_url.endswith(f"/laporan/{tracking_id}") and "Budi Santoso" in text_of(driver)

    # The password can be changed; the old one then no longer signs in.
    driver.get(server.url + "/akun")
    fill(driver, "current_password", "sandi-yang-panjang-1")
    fill(driver, "password", "sandi-baru-yang-panjang-2")
    submit_form_of(driver, "password")
    assert "sudah diganti" in text_of(driver)
    driver.delete_all_cookies()
    sign_in(driver, server.url, email, "sandi-yang-panjang-1")
    assert "salah" in text_of(driver)
    sign_in(driver, server.url, email, "sandi-baru-yang-panjang-2", next_path="/laporan-saya")
    assert "Antrean KTP elektronik sangat panjang" in text_of(driver)


PUBLIC_PAGES = ["/", "/laporan", "/statistik", "/statistik.csv", "/statistik?periode=semua"]


def public_texts(server, *extra):
    return "\n".join(requests.get(server.url + path, timeout=10).text for path in PUBLIC_PAGES + list(extra))


def test_an_anonymous_reporter_is_never_named_on_a_public_page(server, fresh):
    driver = fresh
    name = f"Siti Anonim {uuid.uuid4().hex[:6]}"
    submit_report(driver, server.url, "Pungutan liar di kantor desa Soreang",
                  "Petugas meminta uang lima puluh ribu untuk surat pengantar yang seharusnya gratis.",
                  name=name, phone="081311112222", anonymous=True)
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    publish(server, tracking_id)
    answer(server, tracking_id, "Petugas sudah ditegur dan uang dikembalikan.", unit="Dinas Sosial",
           liaison="admin.bandung@tanggap.test")
    pages = public_texts(server, f"/laporan/{tracking_id}", "/laporan?q=Pungutan+liar", f"/lacak?id={tracking_id}")
    assert "Pungutan liar di kantor desa Soreang" in pages
    assert name not in pages and "081311112222" not in pages
    # The reporter's own view (this browser proved the secret) names them, noting the institution does not see it.
    driver.get(server.url + f"/laporan/{tracking_id}")
    assert name in text_of(driver) and "anonim" in text_of(driver)


def test_a_rahasia_report_is_in_no_public_list_search_or_statistic_detail(server, fresh):
    driver = fresh
    word = "Rahasiakata" + uuid.uuid4().hex[:6]
    submit_report(driver, server.url, f"Dugaan suap perizinan {word}",
                  f"Pejabat perizinan meminta imbalan untuk mempercepat izin usaha. Kata kunci {word}.",
                  name="Pelapor Rahasia", phone="081399998888", confidential=True)
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    answer(server, tracking_id, "Sedang diperiksa oleh inspektorat.", unit="Dinas Sosial", liaison="admin.bandung@tanggap.test")
    pages = public_texts(server, f"/laporan?q={word}", "/laporan?jenis=pengaduan", "/laporan?status=answered",
                         "/statistik?instansi=1&periode=bulan")
    # The search box repeats what was searched for; the report itself appears nowhere.
    assert f"suap perizinan {word}" not in pages and "imbalan" not in pages and tracking_id not in pages
    assert "Tidak ada laporan yang cocok" in requests.get(f"{server.url}/laporan?q={word}", timeout=10).text
    assert requests.get(f"{server.url}/laporan/{tracking_id}", timeout=10).status_code == 404
    assert word not in requests.get(f"{server.url}/api/v1/reports?q={word}", timeout=10).text
    # A citizen signed in with another account sees no more than the public.
    citizen = web_session(server.url, "warga@tanggap.test", server.password)
    assert citizen.get(f"{server.url}/laporan/{tracking_id}", timeout=10).status_code == 404
    assert "Tidak ada laporan yang cocok" in citizen.get(f"{server.url}/laporan?q={word}", timeout=10).text


HOSTILE = '<script>alert("xss")</script>"><img src=x onerror=alert(1)>'


def test_a_script_typed_into_every_text_field_is_shown_as_text(server, fresh):
    driver = fresh
    # Refused first (the e-mail is not one): every field comes back as text, nothing runs.
    driver.get(server.url + "/lapor")
    for field in ["title", "body", "location_text", "reporter_name", "reporter_email", "reporter_phone", "category_query",
                  "latitude"]:
        fill(driver, field, HOSTILE)
    submit_form_of(driver, "title")
    assert driver.find_element(By.ID, "title").get_attribute("value") == HOSTILE
    assert "<script>alert" not in driver.page_source.replace("&lt;script&gt;", "")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text

    submit_report(driver, server.url, "Judul " + HOSTILE, "Isi laporan " + HOSTILE, name="Nama " + HOSTILE,
                  location="Lokasi " + HOSTILE)
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    answer(server, tracking_id, "Jawaban " + HOSTILE)
    driver.get(f"{server.url}/laporan/{tracking_id}")
    fill(driver, "reply_text", "Balasan " + HOSTILE)
    click_id(driver, "reply")
    page = text_of(driver)
    for label in ["Judul ", "Isi laporan ", "Nama ", "Lokasi ", "Jawaban ", "Balasan "]:
        assert label + HOSTILE in page, label
    assert not driver.find_elements(By.CSS_SELECTOR, "main script, main img")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text

    # Published, and commented on by a signed-in citizen, the same holds on the public page.
    publish_state = requests.get(f"{server.url}/api/v1/reports/{tracking_id}",
                                 headers=Officer(server, "admin@tanggap.test").headers, timeout=10).json()
    assert publish_state["state"] == "dispatched"
    sign_in(driver, server.url, "warga@tanggap.test", server.password, next_path=f"/laporan/{tracking_id}")
    fill(driver, "comment", "Komentar " + HOSTILE)
    click_id(driver, "comment-send")
    assert "Komentar " + HOSTILE in text_of(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "main script, main img")
    for path in ["/", "/laporan", f"/laporan?q={requests.utils.quote(HOSTILE)}"]:
        driver.get(server.url + path)
        assert not driver.find_elements(By.CSS_SELECTOR, "main script, main img"), path
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text


def test_support_and_comments_one_per_account_and_flagged_comments_wait_for_a_moderator(server, fresh):
    driver = fresh
    submit_report(driver, server.url, "Sampah menumpuk di Pasar Ciwidey",
                  "Sampah pasar tidak diangkut selama seminggu dan mulai berbau busuk.", name="Rina", phone="081355556666")
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    publish(server, tracking_id)
    report_url = f"{server.url}/laporan/{tracking_id}"

    sign_in(driver, server.url, "warga@tanggap.test", server.password, next_path=f"/laporan/{tracking_id}")
    click_id(driver, "support")
    assert driver.find_element(By.ID, "support-count").text == "1"
    click_id(driver, "support")  # withdraw
    assert driver.find_element(By.ID, "support-count").text == "0"
    click_id(driver, "support")
    fill(driver, "comment", "Kata-kata kasar yang tidak pantas.")
    click_id(driver, "comment-send")
    assert "Kata-kata kasar" in text_of(driver)

    # A replayed support post from the same account changes nothing.
    session = web_session(server.url, "warga@tanggap.test", server.password)
    page = session.get(report_url, timeout=10).text
    for _ in range(2):
        session.post(report_url + "/dukung", data={"_csrf": csrf_of(page)}, timeout=10)
    assert '<strong id="support-count">1</strong>' in session.get(report_url, timeout=10).text

    # Three accounts made today flag the comment: their flags weigh nothing, so nobody can be silenced that way.
    comment_id = driver.find_element(By.CSS_SELECTOR, "ol.comments li").get_attribute("id").split("-")[-1]
    def flag(flagger):
        token = csrf_of(flagger.get(report_url, timeout=10).text)
        assert flagger.post(f"{server.url}/komentar/{comment_id}/laporkan", data={"_csrf": token}, timeout=10).status_code == 200
        # The same account flagging twice counts once.
        flagger.post(f"{server.url}/komentar/{comment_id}/laporkan", data={"_csrf": token}, timeout=10)
    for n in range(3):
        flag(register(server.url, f"Pelapor {n}", f"flag-{uuid.uuid4().hex[:8]}@contoh.id", "sandi-panjang-sekali"))
    assert "Kata-kata kasar" in requests.get(report_url, timeout=10).text
    # Three established accounts (the demo's joined a year ago) flag it: it disappears until a moderator restores it.
    for email in ["penghubung.pupr@tanggap.test", "penghubung.disdukcapil@tanggap.test", "teknis.pupr@tanggap.test"]:
        flag(web_session(server.url, email, server.password))
    assert "Kata-kata kasar" not in requests.get(report_url, timeout=10).text

    moderator = web_session(server.url, "admin.bandung@tanggap.test", server.password)
    queue = moderator.get(server.url + "/kelola/komentar", timeout=10).text
    assert "Kata-kata kasar" in queue
    assert citizen_cannot_moderate(server, comment_id)
    reply = moderator.post(f"{server.url}/kelola/komentar/{comment_id}/restore", data={"_csrf": csrf_of(queue)}, timeout=10)
    assert reply.status_code == 200 and "Kata-kata kasar" not in reply.text
    assert "Kata-kata kasar" in requests.get(report_url, timeout=10).text


def citizen_cannot_moderate(server, comment_id):
    citizen = web_session(server.url, "warga@tanggap.test", server.password)
    page = citizen.get(server.url + "/", timeout=10).text
    reply = citizen.post(f"{server.url}/kelola/komentar/{comment_id}/remove", data={"_csrf": csrf_of(page)}, timeout=10)
    return reply.status_code == 403 and citizen.get(server.url + "/kelola/komentar", timeout=10).status_code == 403


def test_a_form_sent_twice_files_one_report(server, fresh):
    """A double click, and the same form sent twice as a resend after a dropped connection would: one report each."""
    driver = fresh
    staff = {"Authorization": f"Bearer {server.token()}"}

    def fill_form(title):
        driver.get(server.url + "/lapor")
        fill(driver, "title", title)
        fill(driver, "body", "Lampu penerangan jalan di gang ini mati sejak dua minggu; malam hari sangat gelap.")
        Select(driver.find_element(By.ID, "region_id")).select_by_visible_text("Kabupaten Bandung")
        fill(driver, "reporter_name", "Rahmat Hidayat")
        fill(driver, "reporter_phone", "081234500001")

    def reports_titled(title):
        found = requests.get(server.url + "/api/v1/reports", params={"q": title.split()[-1], "limit": 100}, headers=staff, timeout=10)
        assert found.status_code == 200, found.text
        return [item for item in found.json()["items"] if item["title"] == title]

    clicked = f"Lampu jalan mati di gang {uuid.uuid4().hex[:10]}"
    fill_form(clicked)
    button = driver.find_element(By.ID, "title").find_element(By.XPATH, "ancestor::form").find_elements(
        By.CSS_SELECTOR, "button[type=submit]")[-1]
    ActionChains(driver).double_click(button).perform()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "tracking-id"))
    assert len(driver.find_element(By.ID, "secret").text) == 19, "the receipt shows the secret"
    assert len(reports_titled(clicked)) == 1

    # The page itself posts the same form twice at once (the browser's own multipart body, a new boundary each time).
    resent = f"Lampu jalan mati di gang {uuid.uuid4().hex[:10]}"
    fill_form(resent)
    answers = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const form = document.getElementById('title').form;
        const send = () => fetch(form.action, {method: 'POST', body: new FormData(form), redirect: 'manual'}).then(r => r.type);
        Promise.all([send(), send(), send()]).then(done, e => done(String(e)));
    """)
    assert answers == ["opaqueredirect"] * 3, answers
    assert len(reports_titled(resent)) == 1
