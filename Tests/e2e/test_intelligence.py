"""Intelligence: the evaluation a government runs on its own history, and look-alike reports offered on the form."""
import json
import os
import subprocess
import tempfile
import uuid

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import BINARY
from portal import Officer, click_id, fill, publish, sign_in, submit_form_of


def run(args, folder):
    env = dict(os.environ, TANGGAP_DATA_DIR=folder, TANGGAP_DATABASE_URL=f"sqlite:{folder}/tanggap.sqlite")
    done = subprocess.run([BINARY] + args, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_evaluate_on_a_generated_history_meets_the_targets():
    """Twenty thousand synthetic reports over two years (topics sent to the body of their kind, SMS spelling, typos,
    incidents reported again by others and merged), then `tanggap evaluate`: trained on the older 80 %, tested on the
    newest 20 %, against the baseline of the most frequent institution for the region and category."""
    with tempfile.TemporaryDirectory(prefix="tanggap-evaluate-") as folder:
        run(["generate", "--reports", "20000", "--years", "2", "--seed", "3", "--password", "sandi-sintetis-1"], folder)
        figures = json.loads(run(["evaluate", "--json"], folder).strip().splitlines()[-1])
        print(json.dumps(figures, indent=1))
        assert figures["tested_on"] >= 2000 and figures["trained_on"] >= 10000
        assert figures["category_top1"] >= 0.70 and figures["category_top3"] >= 0.90
        assert figures["institution_top1"] >= 0.60 and figures["institution_top5"] >= 0.90
        assert figures["institution_top1"] >= figures["institution_baseline_top1"] + 0.10
        assert figures["institution_top5"] >= figures["institution_baseline_top5"] + 0.10
        assert figures["merged_tested"] >= 200
        assert figures["duplicate_precision_at_5"] >= 0.95 and figures["duplicate_recall"] >= 0.90
        # The table a person reads says the same.
        table = run(["evaluate", "--most-tested", "200"], folder)
        assert "| institution (k = 5) |" in table and "precision@5" in table


def category_value(driver, starts_with):
    select = Select(driver.find_element(By.ID, "category_id"))
    return next(o.get_attribute("value") for o in select.options if o.text.startswith(starts_with))


def fill_report(driver, url, title, body):
    driver.get(url + "/lapor")
    fill(driver, "title", title)
    fill(driver, "body", body)
    Select(driver.find_element(By.ID, "region_id")).select_by_visible_text("Kabupaten Bandung")
    Select(driver.find_element(By.ID, "category_id")).select_by_value(category_value(driver, "Pekerjaan Umum"))
    Select(driver.find_element(By.ID, "target_institution_id")).select_by_visible_text("Pemerintah Kabupaten Bandung")


def reports_about(server, word):
    officer = Officer(server, "admin.bandung@tanggap.test")
    found = requests.get(f"{server.url}/api/v1/reports", params={"q": word}, headers=officer.headers, timeout=10).json()
    return [item["tracking_id"] for item in found["items"]]


def test_the_form_offers_a_published_look_alike_to_support_instead_of_filing(server, browser):
    driver = browser
    driver.delete_all_cookies()
    place = "Kampung" + uuid.uuid4().hex[:6]
    fill_report(driver, server.url, f"Jembatan gantung {place} ambruk",
                f"Jembatan gantung di {place} dekat SD negeri ambruk kemarin sore, warga tidak bisa menyeberang ke pasar.")
    fill(driver, "reporter_name", "Ujang Permana")
    fill(driver, "reporter_phone", "081311112222")
    submit_form_of(driver, "title")
    first = driver.find_element(By.ID, "tracking-id").text
    publish(server, first)

    # A citizen with an account writes the same in their own words: before anything is filed, the form shows it.
    sign_in(driver, server.url, "warga@tanggap.test", server.password, next_path="/lapor")
    fill_report(driver, server.url, f"jembatan {place} ambrol",
                f"jembatan gantung {place.lower()} dkt SD ambrol kmrn sore, warga ga bisa nyebrang ke pasar!!")
    submit_form_of(driver, "title")
    similar = driver.find_element(By.ID, "laporan-serupa")
    assert first in similar.text and "Dukung laporan ini" in similar.text
    assert driver.find_element(By.ID, "title").get_attribute("value") == f"jembatan {place} ambrol", "what was typed is kept"
    assert reports_about(server, place) == [first], "nothing filed yet"

    # Supporting it instead: to the report, counted, and still one report.
    click_id(driver, f"support-{first}")
    assert driver.current_url.split("#")[0].endswith(f"/laporan/{first}")
    assert driver.find_element(By.ID, "support-count").text == "1"
    assert reports_about(server, place) == [first]

    # Or filing anyway: the same form, one more click, and the report is in.
    fill_report(driver, server.url, f"jembatan {place} ambrol lagi",
                f"jembatan gantung {place.lower()} dkt SD ambrol kmrn sore, warga ga bisa nyebrang ke pasar!!")
    submit_form_of(driver, "title")
    click_id(driver, "file-anyway")
    second = driver.find_element(By.ID, "tracking-id").text
    assert second != first and sorted(reports_about(server, place)) == sorted([first, second])
