"""The authenticator app of every staff member who needs a second factor, for the tests that sign them in.

Demo admins and oversight must enrol a TOTP authenticator on their first sign-in. This module plays their phone:
it enrols the way a person does (sign in with the password, read the secret shown on /akun/dua-langkah, confirm
with a first code), keeps the secret and the recovery codes, and hands out codes computed by RFC 6238 itself, so
the server's implementation is checked against an independent one.

A code is good once (the server remembers the last step used), three steps fit in the server's window, so codes
run short when a test signs the same person in many times in a row: then a recovery code is used, and when those
are gone too, it waits for the next step. Tokens and web sessions are kept per person, as a real client keeps them.
"""
import base64
import hashlib
import hmac
import re
import struct
import time

import requests

STEP_SECONDS = 30
SENSITIVE = {"admin@tanggap.test", "admin.bandung@tanggap.test", "admin.kemenkes@tanggap.test", "pengawas@tanggap.test"}

SECRET = re.compile(r'id="second-factor-secret">([A-Z2-7 ]+)<')
RECOVERY = re.compile(r"<li><code>([0-9a-z-]+)</code></li>")


def totp(secret, step):
    """RFC 6238 with SHA-1, 6 digits: the code for time step `step` of a Base32 secret."""
    key = secret.replace(" ", "")
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{number:06d}"


def current_step():
    return int(time.time()) // STEP_SECONDS


class Phone:
    """One person's authenticator on one deployment."""

    def __init__(self, secret, recovery_codes):
        self.secret = secret
        self.recovery_codes = list(recovery_codes)
        self.last_step = None
        self.token = None
        self.cookies = None

    def next_code(self):
        """A code the server has not seen yet: the oldest step still in its window (one step either side)."""
        now = current_step()
        step = now - 1 if self.last_step is None else max(now - 1, self.last_step + 1)
        if step > now + 1:
            if self.recovery_codes:
                return self.recovery_codes.pop()
            time.sleep((step - 1) * STEP_SECONDS - time.time() + 0.5)
        self.last_step = step
        return totp(self.secret, step)


_phones = {}
_places = {}


def same_deployment(url, place):
    """Servers restarted on their old data (a new port, the same accounts) share their people's phones."""
    _places[url] = place


def phone(url, email):
    return _phones.get((_places.get(url, url), email))


def remember(url, email, new):
    _phones[(_places.get(url, url), email)] = new


def forget(url, email):
    """The phone is lost (an admin reset the second factor)."""
    _phones.pop((_places.get(url, url), email), None)


def needs_code(email):
    return email in SENSITIVE


def enrol_from_page(url, email, html, confirm):
    """Reads the secret on the enrolment page, confirms it with `confirm(code)` (which returns the next page's
    HTML) and keeps the recovery codes it shows."""
    match = SECRET.search(html)
    assert match, "the enrolment page shows no secret"
    new = Phone(match.group(1), [])
    answer = confirm(new.next_code())
    new.recovery_codes = RECOVERY.findall(answer)
    assert len(new.recovery_codes) == 10, "enrolling shows ten recovery codes"
    remember(url, email, new)
    return new


def csrf_of(html):
    match = re.search(r'name="_csrf" value="([0-9a-f]{64})"', html)
    assert match, "the page has no form token"
    return match.group(1)


def sign_in_session(url, email, password):
    """A requests session through the sign-in form, with the code step or the first enrolment where asked."""
    known = phone(url, email)
    if known and known.cookies:
        session = requests.Session()
        session.cookies.update(known.cookies)
        if session.get(url + "/akun", timeout=10, allow_redirects=False).status_code == 200:
            return session
    session = requests.Session()
    token = csrf_of(session.get(url + "/masuk", timeout=10).text)
    reply = session.post(url + "/masuk", data={"_csrf": token, "email": email, "password": password, "next": "/kelola"},
                         timeout=10, allow_redirects=False)
    assert reply.status_code == 303, reply.text
    if reply.headers["Location"].startswith("/masuk/kode"):
        page = session.get(url + reply.headers["Location"], timeout=10).text
        reply = session.post(url + "/masuk/kode", data={"_csrf": csrf_of(page), "code": phone(url, email).next_code(),
                                                        "next": "/kelola"}, timeout=10, allow_redirects=False)
        assert reply.status_code == 303 and reply.headers["Location"] == "/kelola", reply.text
    elif needs_code(email):
        page = session.get(url + "/kelola", timeout=10)
        assert page.url.endswith("/akun/dua-langkah"), "a sensitive account is sent to enrol a second factor"

        def confirm(code):
            answer = session.post(url + "/akun/dua-langkah", data={"_csrf": csrf_of(page.text), "code": code}, timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.text

        enrol_from_page(url, email, page.text, confirm)
    if needs_code(email):
        phone(url, email).cookies = session.cookies.get_dict()
    return session


def api_token(url, email, password):
    """A bearer token from POST /api/v1/auth/tokens, with a code for those who need one (kept once made)."""
    if needs_code(email):
        if phone(url, email) is None:
            sign_in_session(url, email, password)
        if phone(url, email).token:
            return phone(url, email).token
    body = {"email": email, "password": password}
    if needs_code(email):
        body["code"] = phone(url, email).next_code()
    reply = requests.post(url + "/api/v1/auth/tokens", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    token = reply.json()["token"]
    if needs_code(email):
        phone(url, email).token = token
    return token
