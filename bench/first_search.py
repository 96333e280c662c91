"""The inbox searched for a word nobody asked for within the last minute, when no kept plan or count can help:
the first request for each word, then the same again, signed in as one person. Prints each word's two times and the
median and the worst of the first requests.

    python3 bench/first_search.py --url http://127.0.0.1:8090 --email admin@tanggap.test --password … [WORD…]

Start the server anew (or wait a minute) before a second run: plans and counts are kept for a minute.
"""
import argparse
import statistics
import time
import urllib.parse

from time_pages import session

# Words of Indonesian complaints, from the most common in the generated reports to the rarer.
WORDS = ["jalan", "mohon", "warga", "lampu", "sampah", "banjir", "air", "rusak", "pasar", "anak", "pohon", "depan",
         "sekolah", "listrik", "parkir"]


def timed(opener, url):
    started = time.perf_counter()
    opener.open(url).read()
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("words", nargs="*", default=WORDS)
    args = parser.parse_args()
    opener = session(args.url, args.email, args.password)
    opener.open(args.url + "/kelola/kotak").read()  # the plain inbox once, so the first word does not pay for it
    firsts = []
    print("| word | first ms | again ms |")
    print("|---|---|---|")
    for word in args.words:
        url = f"{args.url}/kelola/kotak?{urllib.parse.urlencode({'q': word})}"
        first, again = timed(opener, url), timed(opener, url)
        firsts.append(first)
        print(f"| `{word}` | {first:.0f} | {again:.0f} |")
    print(f"\nfirst requests: median {statistics.median(firsts):.0f} ms, worst {max(firsts):.0f} ms")


if __name__ == "__main__":
    main()
