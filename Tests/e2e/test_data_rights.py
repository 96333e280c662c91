"""The reporter's rights under UU PDP, in a real browser against the real binary: the privacy notice in both
languages; one's own sessions listed and ended; all one's data downloaded as a ZIP (another citizen's comment in it
without their name, the photo clean and still a picture); the account erased, its report kept and saying so."""
import io
import json
import uuid
import zipfile

import requests
from PIL import Image
from selenium.webdriver.common.by import By

from photos import assert_clean, fixture_path
from portal import Officer, answer, click, click_id, csrf_of, fill, register, sign_in, submit_form_of, submit_report


def text_of(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def browser_session(driver, url):
    """A requests session holding the browser's cookies: the same person, for downloads the browser would save."""
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session


def test_the_privacy_notice_says_what_is_kept_who_sees_it_and_how_to_use_the_rights(server):
    indonesian = requests.get(server.url + "/privasi", timeout=10)
    english = requests.get(server.url + "/privasi?lang=en", timeout=10)
    assert indonesian.status_code == english.status_code == 200
    for text, words in ((indonesian.text, ["Pemberitahuan privasi", "UU 27/2022", "anonim", "/akun/data", "Berapa lama"]),
                        (english.text, ["Privacy notice", "UU 27/2022", "anonymous", "/akun/data", "For how long"])):
        for word in words:
            assert word in text
    assert 'href="/privasi"' in requests.get(server.url + "/", timeout=10).text, "every page links to it"


def test_a_person_sees_their_sessions_and_ends_the_one_they_do_not_recognise(server, browser):
    email = f"sesi-{uuid.uuid4().hex[:8]}@contoh.id"
    elsewhere = register(server.url, "Warga Dua Perangkat", email, "sandi-panjang-sekali-1")
    browser.delete_all_cookies()
    sign_in(browser, server.url, email, "sandi-panjang-sekali-1", next_path="/akun/sesi")
    rows = browser.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")
    assert len(rows) == 2 and sum("peramban ini" in row.text for row in rows) == 1
    assert "Chrome" in text_of(browser) and "Python" in text_of(browser), "each device by its kind"
    other = next(row for row in rows if "peramban ini" not in row.text)
    click(browser, other.find_element(By.TAG_NAME, "button"))
    assert "Sesi diakhiri" in text_of(browser)
    assert elsewhere.get(server.url + "/akun", timeout=10, allow_redirects=False).status_code == 303, "signed out there"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")) == 1


def test_a_citizen_downloads_everything_then_erases_the_account_and_the_report_stays(server, browser):
    email = f"dewi-{uuid.uuid4().hex[:8]}@contoh.id"
    browser.delete_all_cookies()
    browser.get(server.url + "/daftar")
    fill(browser, "name", "Dewi Kartikasari")
    fill(browser, "email", email)
    fill(browser, "password", "sandi-dewi-panjang-1")
    submit_form_of(browser, "password")
    submit_report(browser, server.url, "Trotoar ambles di depan puskesmas",
                  "Trotoar di depan puskesmas Soreang ambles sedalam satu jengkal dan membahayakan pejalan kaki.",
                  attachment=fixture_path("phone.jpg"))
    tracking_id = browser.find_element(By.ID, "tracking-id").text
    answer(server, tracking_id, "Trotoar sudah diperbaiki oleh dinas.")
    neighbour = register(server.url, "Bambang Tetangga", f"bambang-{uuid.uuid4().hex[:8]}@contoh.id", "sandi-panjang-sekali-2")
    report_url = f"{server.url}/laporan/{tracking_id}"
    reply = neighbour.post(report_url + "/komentar", timeout=10, allow_redirects=False,
                           data={"_csrf": csrf_of(neighbour.get(report_url, timeout=10).text), "comment": "Saya juga lewat sana."})
    assert reply.status_code in (200, 303), reply.text

    browser.get(server.url + "/akun")
    click_id(browser, "data-link")
    assert browser.current_url.endswith("/akun/data")
    download = browser_session(browser, server.url).get(server.url + "/akun/data/unduh", timeout=30)
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    account = json.loads(archive.read("account.json"))
    assert account["email"] == email and account["name"] == "Dewi Kartikasari"
    reports = json.loads(archive.read("reports.json"))
    assert [item["report"]["tracking_id"] for item in reports] == [tracking_id]
    assert any(event.get("note") == "Trotoar sudah diperbaiki oleh dinas." for event in reports[0]["history"])
    assert [(c["mine"], c.get("author"), c["body"]) for c in reports[0]["comments"]] == [(False, None, "Saya juga lewat sana.")]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Bambang" not in everything, "another person's comment comes without who wrote it"
    [photo] = reports[0]["files"]
    assert photo.startswith("files/") and ".." not in photo
    assert_clean(archive.read(photo), "phone.jpg", 6)
    assert Image.open(io.BytesIO(archive.read(photo))).size[0] > 0

    # Erasing: the box must be ticked and the password right.
    fill(browser, "password", "sandi-dewi-panjang-1")
    browser.execute_script("document.getElementById('confirm').checked = true")
    submit_form_of(browser, "password")
    assert browser.current_url.endswith("/akun/dihapus") and "sudah dihapus" in text_of(browser)
    browser.get(report_url)
    assert "Pelapor menghapus akunnya" in text_of(browser) and "Dewi" not in browser.page_source
    admin = Officer(server, "admin.bandung@tanggap.test")
    seen = requests.get(f"{server.url}/api/v1/reports/{tracking_id}", headers=admin.headers, timeout=10).json()
    assert seen["state"] == "answered" and seen.get("reporter") in (None, {}) and seen["reporter_erased_at"]
    browser.delete_all_cookies()
    sign_in(browser, server.url, email, "sandi-dewi-panjang-1")
    assert "salah" in text_of(browser), "the account is gone"
