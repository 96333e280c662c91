"""Times staff pages of a running Tanggap, signed in as one person: each page several times, p50 and p95.

    python3 bench/time_pages.py --url http://127.0.0.1:8090 --email admin.bandung@tanggap.test --password … PATH…
"""
import argparse
import re
import statistics
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def session(url, email, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(url + "/masuk").read().decode()
    token = re.search(r'name="_csrf" value="([0-9a-f]{64})"', form).group(1)
    data = urllib.parse.urlencode({"_csrf": token, "email": email, "password": password, "next": "/kelola"}).encode()
    opener.open(url + "/masuk", data=data).read()
    return opener


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    opener = session(args.url, args.email, args.password)
    for path in args.paths:
        opener.open(args.url + path).read()  # warm: the first request of a page fills caches
        times, size = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            body = opener.open(args.url + path).read()
            times.append((time.perf_counter() - started) * 1000)
            size = len(body)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| {args.email.split('@')[0]} | `{path}` | {statistics.median(times):.0f} | {p95:.0f} | {size // 1024} KB |")


if __name__ == "__main__":
    main()
