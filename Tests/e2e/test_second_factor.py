"""Two-step sign-in in a real browser: a national overseer must enrol an authenticator before anything else, scans
the QR code (decoded here from a screenshot), signs in again with a code or a recovery code; the API asks for the
code too; wrong codes end the attempt; an admin resets a lost phone."""
import io
import re
import urllib.parse

import requests
import zxingcpp
from PIL import Image
from selenium.webdriver.common.by import By

import authenticator
from authenticator import csrf_of, totp
from portal import click_id, fill, submit_form_of, web_session

OVERSEER = "pengawas@tanggap.test"
AUDITED_RESET = "Verifikasi dua langkah diatur ulang"


def password_step(driver, server, email, next_path="/kelola/dasbor"):
    driver.delete_all_cookies()
    driver.get(f"{server.url}/masuk?next={next_path}")
    fill(driver, "email", email)
    fill(driver, "password", server.password)
    submit_form_of(driver, "password")


def scanned(driver):
    """What an authenticator app reads from the QR code on the page."""
    picture = Image.open(io.BytesIO(driver.find_element(By.ID, "second-factor-qr").screenshot_as_png))
    found = zxingcpp.read_barcodes(picture)
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode, "one readable QR code"
    return found[0].text


def test_an_overseer_enrols_by_scanning_then_signs_in_with_a_code_and_a_recovery_code(server, browser):
    password_step(browser, server, OVERSEER)
    assert browser.current_url.endswith("/akun/dua-langkah"), "nothing else opens before enrolling"
    assert browser.find_element(By.ID, "second-factor-required").is_displayed()
    browser.get(server.url + "/kelola/kotak")
    assert browser.current_url.endswith("/akun/dua-langkah")

    uri = urllib.parse.urlsplit(scanned(browser))
    query = urllib.parse.parse_qs(uri.query)
    shown = browser.find_element(By.ID, "second-factor-secret").text
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert urllib.parse.unquote(uri.path).endswith(":" + OVERSEER) and query["issuer"][0].startswith("Tanggap")
    assert query["secret"][0] == shown.replace(" ", ""), "the QR code and the typed secret are the same key"

    step = authenticator.current_step()
    fill(browser, "code", totp(shown, step + 5))
    click_id(browser, "confirm-second-factor")
    assert browser.find_element(By.ID, "second-factor-error").is_displayed(), "a code from the future is refused"
    fill(browser, "code", totp(shown, step))
    click_id(browser, "confirm-second-factor")
    codes = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#recovery-codes li code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    phone = authenticator.Phone(shown, codes[1:])
    phone.last_step = step
    authenticator.remember(server.url, OVERSEER, phone)
    browser.get(server.url + "/kelola/dasbor")
    assert browser.current_url.endswith("/kelola/dasbor"), "enrolled, the back office opens"

    # Next time: the password, then the code; the waiting step alone opens nothing.
    password_step(browser, server, OVERSEER)
    assert "/masuk/kode" in browser.current_url
    browser.get(server.url + "/kelola/dasbor")
    assert "/masuk" in browser.current_url and "/kelola/dasbor" not in browser.current_url.split("?")[0]
    password_step(browser, server, OVERSEER)
    fill(browser, "code", totp(shown, step))
    submit_form_of(browser, "code")
    assert "/masuk/kode" in browser.current_url, "a code already used is refused"
    fill(browser, "code", phone.next_code())
    submit_form_of(browser, "code")
    assert browser.current_url.endswith("/kelola/dasbor")

    # A recovery code works once.
    for expected in ("/kelola/dasbor", "/masuk/kode"):
        password_step(browser, server, OVERSEER)
        fill(browser, "code", codes[0])
        submit_form_of(browser, "code")
        assert expected in browser.current_url


def test_the_api_asks_for_the_code_and_refuses_it_replayed(server):
    email = "admin.kemenkes@tanggap.test"
    web_session(server.url, email, server.password)  # enrols, if not yet
    tokens = server.url + "/api/v1/auth/tokens"
    without = requests.post(tokens, json={"email": email, "password": server.password}, timeout=10)
    assert without.status_code == 401 and without.json()["error"]["code"] == "invalid_second_factor"
    code = authenticator.phone(server.url, email).next_code()
    assert requests.post(tokens, json={"email": email, "password": server.password, "code": code}, timeout=10).status_code == 201
    again = requests.post(tokens, json={"email": email, "password": server.password, "code": code}, timeout=10)
    assert again.status_code == 401 and again.json()["error"]["code"] == "invalid_second_factor"
    hostile = requests.post(tokens, json={"email": email, "password": server.password, "code": "' OR 1=1 --<script>"}, timeout=10)
    assert hostile.status_code == 401


def test_an_unenrolled_admin_gets_no_token_until_enrolled(make_server):
    srv = make_server(env={"TANGGAP_DEMO_REPORTS": "12"}).start()  # a fresh deployment; its reports do not matter
    reply = requests.post(srv.url + "/api/v1/auth/tokens", json={"email": "admin@tanggap.test", "password": srv.password}, timeout=10)
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "second_factor_required"
    liaison = requests.post(srv.url + "/api/v1/auth/tokens", json={"email": "penghubung.dinkes@tanggap.test",
                                                                   "password": srv.password}, timeout=10)
    assert liaison.status_code == 201, "working roles sign in with a password alone by default"


def test_five_wrong_codes_end_the_attempt(server):
    email = "admin.bandung@tanggap.test"
    web_session(server.url, email, server.password)  # enrols, if not yet
    session = requests.Session()
    reply = session.post(server.url + "/masuk", data={"_csrf": csrf_of(session.get(server.url + "/masuk", timeout=10).text),
                                                      "email": email, "password": server.password, "next": "/kelola"},
                         timeout=10, allow_redirects=False)
    assert reply.headers["Location"].startswith("/masuk/kode")
    wrong = totp(authenticator.phone(server.url, email).secret, authenticator.current_step() + 9)
    statuses = []
    for _ in range(5):
        page = session.get(server.url + "/masuk/kode", timeout=10, allow_redirects=False)
        assert page.status_code == 200
        statuses.append(session.post(server.url + "/masuk/kode", data={"_csrf": csrf_of(page.text), "code": wrong},
                                     timeout=10, allow_redirects=False).status_code)
    assert statuses == [401] * 5
    assert session.get(server.url + "/masuk/kode", timeout=10, allow_redirects=False).status_code == 303, "the attempt is over"
    assert session.get(server.url + "/kelola", timeout=10, allow_redirects=False).status_code == 303
    # Five wrong codes in a row are five failures of the account too: it now waits, whoever asks and from wherever.
    again = requests.post(server.url + "/api/v1/auth/tokens", json={"email": email, "password": server.password}, timeout=10)
    assert again.status_code == 429 and again.json()["error"]["code"] == "account_locked"
    assert 0 < int(again.headers["Retry-After"]) <= 30


def test_a_national_admin_resets_a_lost_phone_and_the_owner_enrols_again(server):
    email = "admin.kemenkes@tanggap.test"
    owner = web_session(server.url, email, server.password)
    national = web_session(server.url, "admin@tanggap.test", server.password)
    page = national.get(server.url + "/kelola/admin", timeout=10).text
    row = next(r for r in page.split("<tr>") if email in r)
    reset = re.search(r'action="(/kelola/admin/dua-langkah/\d+\?instansi=\d+)"', row)
    assert reset, "the reset is offered for a colleague with a second factor"
    assert national.post(server.url + reset.group(1), data={"_csrf": csrf_of(page)}, timeout=10).status_code == 200
    assert owner.get(server.url + "/kelola", timeout=10, allow_redirects=False).status_code == 303, "their sessions ended"
    assert AUDITED_RESET in national.get(server.url + "/kelola/admin", timeout=10).text, "the reset is in the audit log"

    authenticator.forget(server.url, email)
    session = requests.Session()
    session.post(server.url + "/masuk", data={"_csrf": csrf_of(session.get(server.url + "/masuk", timeout=10).text),
                                              "email": email, "password": server.password, "next": "/kelola"}, timeout=10)
    assert session.get(server.url + "/kelola", timeout=10).url.endswith("/akun/dua-langkah"), "enrols anew"
