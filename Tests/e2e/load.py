"""Clients that submit reports for a while and write down what each submission was answered, for the fault tests."""
import threading
import time

import requests


def _segment(marker, payload):
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


# A 51 KB JPEG whose segments are in order (tables, frame, scan, end), as the server's metadata stripper demands
# of any picture; its scan is filler with no 0xFF byte, so the file is as big as a phone photo and cheap to make.
PHOTO = (b"\xff\xd8" + _segment(0xDB, b"\x00" + bytes(range(1, 65))) + _segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
         + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + bytes(range(255)) * 200 + b"\xff\xd9")


class Load:
    """`clients` threads posting reports to `url` until `stop()`; every answer is kept with its start and length."""

    def __init__(self, url, clients=4, timeout=60, files=False):
        self.url, self.timeout, self.files = url, timeout, files
        self.answers = []  # (started, seconds, status or "no answer", tracking_id or error text)
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(clients)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=self.timeout + 5)

    def client(self, n):
        i = 0
        while self.running:
            i += 1
            started = time.time()
            fields = {"title": f"Jalan berlubang nomor {n}-{i}", "body": "Jalan berlubang besar di depan sekolah dasar, membahayakan anak-anak.",
                      "reporter_name": "Warga Uji Gangguan", "reporter_phone": "081300000000"}
            try:
                if self.files:
                    photo = PHOTO
                    reply = requests.post(self.url + "/api/v1/reports", data=fields, timeout=self.timeout,
                                          files={"attachments[]": ("foto.jpg", photo, "image/jpeg")})
                else:
                    reply = requests.post(self.url + "/api/v1/reports", json=fields, timeout=self.timeout)
                body = reply.json() if reply.headers.get("content-type", "").startswith("application/json") else {}
                detail = body.get("tracking_id") if reply.status_code == 201 else body
                entry = (started, time.time() - started, reply.status_code, detail, reply.headers.get("Retry-After"))
            except requests.RequestException as error:
                entry = (started, time.time() - started, "no answer", str(error), None)
            with self.lock:
                self.answers.append(entry)

    def acknowledged(self):
        return {a[3].replace("-", "") for a in self.answers if a[2] == 201}  # stored without the dash

    def refused(self):
        return [a for a in self.answers if a[2] != 201]

    def longest(self):
        return max((a[1] for a in self.answers), default=0)

    def first_accepted_after(self, moment):
        return min((a[0] + a[1] for a in self.answers if a[2] == 201 and a[0] >= moment), default=None)


def wait_for(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def ready(url):
    try:
        return requests.get(url + "/readyz", timeout=3).status_code == 200
    except requests.RequestException:
        return False
