"""Screenshots of the main pages at a phone's and a desktop's width, into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py

Starts its own server on a fresh demo database and stops it afterwards.
"""
import os
import sys
import tempfile

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "e2e"))
os.environ.setdefault("SE_OFFLINE", "true")

from conftest import ROOT, Server, chromium  # noqa: E402
from portal import fill, png_file, sign_in, submit_form_of, submit_report  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

WIDTHS = [360, 1280]


def showcase_report(server):
    """A published demo report that went the whole way: answered, confirmed and rated."""
    reports = requests.get(server.url + "/api/v1/reports", params={"state": "completed", "limit": 50}, timeout=10).json()
    rated = [r for r in reports["items"] if r.get("rating")] or reports["items"]
    return rated[0]["tracking_id"]


def dispatched_report(server):
    """A report at one of Kabupaten Bandung's units, as its admin sees it."""
    token = server.token("admin.bandung@tanggap.test")
    reports = requests.get(server.url + "/api/v1/reports", params={"state": "dispatched", "limit": 1},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return reports["items"][0]["tracking_id"]


def pages(server):
    """(file name, what to do in the browser before the picture, account to sign in with or None)."""
    report = showcase_report(server)
    at_unit = dispatched_report(server)

    def receipt(driver):
        submit_report(driver, server.url, "Lampu jalan mati di Jalan Raya Soreang",
                      "Sudah dua minggu lampu jalan di depan SD Negeri 1 Soreang mati; malam hari gelap gulita.",
                      name="Dewi Lestari", phone="081234567890", attachment=png_file())

    def visit(path):
        return lambda driver: driver.get(server.url + path)

    def look_alike(driver):
        """The form, once filed with the words of a published open report: the look-alikes shown before filing."""
        listed = requests.get(server.url + "/api/v1/reports", params={"state": "dispatched", "limit": 50}, timeout=10).json()
        shown = next(r for r in listed["items"] if r.get("category") and r.get("location", {}).get("region"))
        driver.get(server.url + "/lapor")
        fill(driver, "title", shown["title"])
        fill(driver, "body", shown["body"])
        Select(driver.find_element(By.ID, "region_id")).select_by_value(str(shown["location"]["region"]["id"]))
        Select(driver.find_element(By.ID, "category_id")).select_by_value(str(shown["category"]["id"]))
        fill(driver, "reporter_name", "Dewi Lestari")
        submit_form_of(driver, "title")

    return [
        ("home", visit("/"), None),
        ("submit", visit("/lapor"), None),
        ("receipt", receipt, None),
        ("look-alikes", look_alike, None),
        ("track", visit("/lacak"), None),
        ("report", visit(f"/laporan/{report}"), None),
        ("public-reports", visit("/laporan"), None),
        ("statistics", visit("/statistik"), None),
        ("sign-in", visit("/masuk"), None),
        ("my-reports", visit("/laporan-saya"), "warga@tanggap.test"),
        ("office", visit("/kelola"), "admin.bandung@tanggap.test"),
        ("inbox", visit("/kelola/kotak"), "admin.bandung@tanggap.test"),
        ("workspace", visit(f"/kelola/laporan/{at_unit}"), "admin.bandung@tanggap.test"),
        ("dashboard", visit("/kelola/dasbor"), "admin.bandung@tanggap.test"),
        ("weekly-review", visit("/kelola/tinjauan"), "admin.bandung@tanggap.test"),
        ("administration", visit("/kelola/admin"), "admin.bandung@tanggap.test"),
        ("deadlines", visit("/kelola/admin/tenggat"), "admin.bandung@tanggap.test"),
        ("two-step", visit("/akun/dua-langkah"), "admin.bandung@tanggap.test"),
        ("sessions", visit("/akun/sesi"), "warga@tanggap.test"),
        ("my-data", visit("/akun/data"), "warga@tanggap.test"),
        ("privacy", visit("/privasi"), None),
    ]


def main():
    """All the pages, or only those named on the command line (`scripts/screenshots.py sessions privacy`)."""
    wanted = set(sys.argv[1:])
    out = os.path.join(ROOT, "docs", "screenshots")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tanggap-shots-") as data:
        server = Server("sqlite", data).start()
        try:
            for width in WIDTHS:
                driver = chromium(width)
                try:
                    for name, show, account in pages(server):
                        if wanted and name not in wanted:
                            continue
                        driver.delete_all_cookies()
                        if account:
                            sign_in(driver, server.url, account, server.password)
                        show(driver)
                        # The whole page, not only what fits in the window.
                        metrics = {"width": width, "height": 600, "deviceScaleFactor": 1, "mobile": width < 600}
                        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                        metrics["height"] = driver.execute_script("return document.documentElement.scrollHeight")
                        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                        target = os.path.join(out, f"{name}-{width}.png")
                        driver.save_screenshot(target)
                        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
                        print(target)
                finally:
                    driver.quit()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
