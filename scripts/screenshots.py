"""Screenshots of the main pages at a phone's and a desktop's width, into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py

Starts its own server on a fresh demo database and stops it afterwards.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "e2e"))
os.environ.setdefault("SE_OFFLINE", "true")

from conftest import ROOT, Server  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

PAGES = [("home", "/", None), ("sign-in", "/masuk", None), ("office", "/kelola", "admin.bandung@tanggap.test")]
WIDTHS = [360, 1280]


def browser(width):
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900"]:
        options.add_argument(flag)
    # Indonesian first, as the people who use Tanggap see it.
    options.add_argument("--lang=id")
    options.add_experimental_option("prefs", {"intl.accept_languages": "id,en"})
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))


def sign_in(driver, server, email):
    driver.get(server.url + "/masuk")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(server.password)
    driver.find_element(By.CSS_SELECTOR, "form.stack button").click()


def main():
    out = os.path.join(ROOT, "docs", "screenshots")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tanggap-shots-") as data:
        server = Server("sqlite", data).start()
        try:
            for width in WIDTHS:
                driver = browser(width)
                try:
                    for name, path, account in PAGES:
                        if account:
                            sign_in(driver, server, account)
                        driver.get(server.url + path)
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
