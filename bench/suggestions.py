"""Times the suggestions of a running Tanggap that holds a generated history and a trained model (see
bench/intelligence): the API's suggestions (as the liaison officer of Kabupaten Bandung's office of works, for the reports it holds), the portal's look-alike check before filing, and intake with the model
loaded against intake before any suggestion was asked for (the model is never read by intake; the ratio shows it).

    python3 bench/suggestions.py --url http://127.0.0.1:8090 --password …
"""
import argparse
import json
import re
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def call(url, method="GET", token=None, body=None, opener=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with (opener or urllib.request.build_opener()).open(request) as reply:
            return reply.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{method} {url}: {error.code} {error.read()[:300]!r}")


def percentiles(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def timed(action, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--email", required=True, help="staff who hold reports (a liaison officer: no second factor)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    url = args.url
    signed_in = json.loads(call(url + "/api/v1/auth/tokens", "POST", body={"email": args.email, "password": args.password}))
    token, unit = signed_in["token"], signed_in["user"]["institution"]["id"]
    listed = json.loads(call(f"{url}/api/v1/reports?institution_id={unit}&limit=100", token=token))["items"]
    reports = [item["tracking_id"] for item in listed]
    one = json.loads(call(f"{url}/api/v1/reports/{reports[0]}", token=token))
    region, category = one["location"]["region"]["id"], one["category"]["id"]

    def intake():
        call(url + "/api/v1/reports", "POST", body={
            "classification": "pengaduan", "title": "Jalan berlubang di depan pasar", "region_id": region,
            "category_id": category, "reporter_name": "Bench", "reporter_phone": "081234567890",
            "body": "Lubang besar di jalan utama depan pasar sudah sebulan dan membahayakan pengendara motor."})

    rows = []
    before = timed(intake, args.runs)  # no suggestion asked yet: this process has not loaded the model
    call(f"{url}/api/v1/reports/{reports[0]}/suggestions", token=token)  # loads the model
    position = [0]

    def suggest():
        position[0] = (position[0] + 1) % len(reports)
        call(f"{url}/api/v1/reports/{reports[position[0]]}/suggestions", token=token)

    rows.append(("GET /api/v1/reports/{id}/suggestions (categories, institutions, staff look-alikes)", timed(suggest, args.runs)))

    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(url + "/lapor").read().decode()
    csrf = re.search(r'name="_csrf" value="([0-9a-f]{64})"', form).group(1)
    fields = urllib.parse.urlencode({
        "_csrf": csrf, "classification": "pengaduan", "title": "Jalan rusak parah dekat pasar", "region_id": region,
        "category_id": category, "reporter_name": "Bench", "reporter_phone": "081234567890",
        "body": "jln rusak parah dkt pasar, udh sebulan ga diperbaiki, motor sering jatuh"}).encode()
    rows.append(("POST /lapor with a region and a category (citizen look-alikes, before filing)",
                 timed(lambda: browser.open(url + "/lapor", data=fields).read(), args.runs)))
    after = timed(intake, args.runs)
    rows.append(("POST /api/v1/reports before any suggestion", before))
    rows.append(("POST /api/v1/reports with the model loaded", after))

    print("| request | p50 ms | p95 ms |\n|---|---|---|")
    for name, times in rows:
        p50, p95 = percentiles(times)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")
    print(f"\nintake with the model loaded / before, median: {statistics.median(after) / statistics.median(before):.2f}")


if __name__ == "__main__":
    main()
