"""A whistle-blower's photos, sent from the portal in a real chromium and through the API: what is stored and what an
officer downloads hold no GPS, no camera owner, no author, and Pillow still decodes them the right way up."""
import pytest
import requests

from photos import PHOTOS, assert_clean, fixture, fixture_path, stored_files
from portal import Officer, submit_report


@pytest.fixture
def fresh(browser):
    browser.delete_all_cookies()
    return browser


def downloaded(server, tracking_id):
    """The report's files as an officer downloads them, by name."""
    admin = Officer(server, "admin@tanggap.test")
    report = requests.get(f"{server.url}/api/v1/reports/{tracking_id}", headers=admin.headers, timeout=10).json()
    files = {}
    for item in report["attachments"]:
        reply = requests.get(server.url + item["url"], headers=admin.headers, timeout=10)
        assert reply.status_code == 200
        files[item["name"]] = reply.content
    return files


@pytest.mark.parametrize("name,content_type,orientation", PHOTOS)
def test_a_photo_from_the_portal_is_kept_and_served_clean(server, fresh, name, content_type, orientation):
    from selenium.webdriver.common.by import By
    driver = fresh
    driver.get(server.url + "/lapor")
    hint = driver.find_element(By.ID, "attachments-privacy").text
    assert "apa adanya" in hint and "hapus nama dan lokasi" in hint.lower()
    submit_report(driver, server.url, "Pungutan liar di kantor desa", "Kepala desa meminta uang untuk surat tanah; "
                  "foto kuitansi terlampir.", anonymous=True, attachment=fixture_path(name))
    tracking_id = driver.find_element(By.ID, "tracking-id").text
    served = downloaded(server, tracking_id)[name]
    assert_clean(served, name, orientation)
    assert served in stored_files(server), "what is served is what is stored"
    assert not any(b"planted" in data.lower() for data in stored_files(server))


def test_photos_through_the_api_are_kept_clean_and_a_cut_short_one_is_refused(server):
    fields = {"title": "Jembatan retak di Desa Sukamaju", "body": "Jembatan di Desa Sukamaju retak parah sejak hujan minggu "
              "lalu, mohon segera diperiksa.", "is_anonymous": "true"}
    files = [("attachments[]", (name, fixture(name), content_type)) for name, content_type, _ in PHOTOS]
    reply = requests.post(server.url + "/api/v1/reports", data=fields, files=files, timeout=20)
    assert reply.status_code == 201, reply.text
    served = downloaded(server, reply.json()["tracking_id"])
    for name, _, orientation in PHOTOS:
        assert_clean(served[name], name, orientation)
        assert served[name] in stored_files(server)

    before = len(stored_files(server))
    jpeg = fixture("phone.jpg")
    cut = requests.post(server.url + "/api/v1/reports", data=fields, timeout=20, headers={"Accept-Language": "en"},
                        files=[("attachments[]", ("terpotong.jpg", jpeg[: len(jpeg) // 2], "image/jpeg"))])
    assert cut.status_code == 422
    body = cut.json()["error"]
    assert [(f["field"], f["code"]) for f in body["fields"]] == [("attachments[0]", "corrupt_file")], body
    assert "damaged or cut short" in body["fields"][0]["message"]
    assert len(stored_files(server)) == before, "nothing kept of a refused photo"
