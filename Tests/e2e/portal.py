"""Helpers for the portal's browser tests: filling forms as a person would, and the API calls an officer makes."""
import base64
import os
import tempfile

import requests

import authenticator
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

# A real 1×1 PNG: the server checks a file's content, not its name.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def png_file(name="foto-lokasi.png"):
    folder = tempfile.mkdtemp(prefix="tanggap-upload-")
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(PNG)
    return path


def fill(driver, field_id, text):
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def choose(driver, field_id, visible_text):
    Select(driver.find_element(By.ID, field_id)).select_by_visible_text(visible_text)


def click(driver, element):
    """Clicks something that loads a new page, and waits until the new page has replaced the old one."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_):
        try:
            old.tag_name
            return False
        except WebDriverException:  # stale, or caught between two documents: either way, gone
            return True

    WebDriverWait(driver, 20).until(replaced)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click_id(driver, element_id):
    click(driver, driver.find_element(By.ID, element_id))


def submit_form_of(driver, field_id):
    """Clicks the last submit button of the form that holds `field_id` (the form's own send button)."""
    form = driver.find_element(By.ID, field_id).find_element(By.XPATH, "ancestor::form")
    click(driver, form.find_elements(By.CSS_SELECTOR, "button[type=submit]")[-1])


def submit_report(driver, url, title, body, name=None, phone=None, anonymous=False, confidential=False,
                  attachment=None, location=None, email=None):
    driver.get(url + "/lapor")
    fill(driver, "title", title)
    fill(driver, "body", body)
    choose(driver, "region_id", "Kabupaten Bandung")
    choose(driver, "target_institution_id", "Pemerintah Kabupaten Bandung")
    if location:
        fill(driver, "location_text", location)
    if attachment:
        driver.find_element(By.ID, "attachments").send_keys(attachment)
    if anonymous:
        driver.find_element(By.ID, "is_anonymous").click()
    if confidential:
        driver.find_element(By.ID, "is_confidential").click()
    if driver.find_elements(By.ID, "reporter_name"):
        if name:
            fill(driver, "reporter_name", name)
        if phone:
            fill(driver, "reporter_phone", phone)
        if email:
            fill(driver, "reporter_email", email)
    submit_form_of(driver, "title")


def sign_in(driver, url, email, password, next_path="/"):
    """The sign-in form in the browser; then the code from the person's authenticator, or their first enrolment."""
    driver.get(f"{url}/masuk?next={next_path}")
    fill(driver, "email", email)
    fill(driver, "password", password)
    submit_form_of(driver, "password")
    if "/masuk/kode" in driver.current_url:
        fill(driver, "code", authenticator.phone(url, email).next_code())
        submit_form_of(driver, "code")
    elif "/akun/dua-langkah" in driver.current_url:
        def confirm(code):
            fill(driver, "code", code)
            click_id(driver, "confirm-second-factor")
            WebDriverWait(driver, 10).until(
                lambda d: d.find_elements(By.ID, "recovery-codes") or d.find_elements(By.ID, "second-factor-error"))
            return driver.page_source

        authenticator.enrol_from_page(url, email, driver.page_source, confirm)
        driver.get(url + next_path)


class Officer:
    """Staff acting through the JSON API, as an institution's own application would."""

    def __init__(self, server, email):
        self.url = server.url
        self.headers = {"Authorization": f"Bearer {server.token(email)}"}

    def act(self, tracking_id, action, **fields):
        reply = requests.post(f"{self.url}/api/v1/reports/{tracking_id}/{action}", json=fields, headers=self.headers, timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def institution(self, name):
        found = requests.get(f"{self.url}/api/v1/institutions", params={"q": name}, headers=self.headers, timeout=10).json()
        return next(item["id"] for item in found["items"] if item["name"] == name)


def publish(server, tracking_id):
    """The regency's admin verifies a report, which makes it public unless it is rahasia."""
    Officer(server, "admin.bandung@tanggap.test").act(tracking_id, "verify")


def answer(server, tracking_id, text, unit="Dinas Kesehatan", liaison="penghubung.dinkes@tanggap.test"):
    """Verified, sent to a unit of Kabupaten Bandung, and answered by the unit's liaison officer."""
    admin = Officer(server, "admin.bandung@tanggap.test")
    state = requests.get(f"{server.url}/api/v1/reports/{tracking_id}", headers=admin.headers, timeout=10).json()["state"]
    if state == "received":
        admin.act(tracking_id, "verify")
    if state in ("received", "verified"):
        admin.act(tracking_id, "dispatch", institution_id=admin.institution(unit))
    return Officer(server, liaison).act(tracking_id, "answer", text=text)


csrf_of = authenticator.csrf_of


def web_session(url, email, password):
    """A requests session signed in through the sign-in form, as a browser would be (code step included)."""
    return authenticator.sign_in_session(url, email, password)


def register(url, name, email, password):
    session = requests.Session()
    token = csrf_of(session.get(url + "/daftar", timeout=10).text)
    reply = session.post(url + "/daftar", data={"_csrf": token, "name": name, "email": email, "password": password},
                         timeout=10, allow_redirects=False)
    assert reply.status_code == 303, reply.text
    return session
