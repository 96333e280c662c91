"""The identity walker: every GET route the application registers, asked by every kind of viewer, with reports
whose reporter carries canary values. No canary may reach a viewer the visibility policy keeps from the reporter's
identity, and no rahasia report may reach anyone outside the institutions that handle it. The routes come from the
router itself (`tanggap routes`), so a route added tomorrow is walked tomorrow."""
import subprocess
import uuid

import requests

from conftest import BINARY
from portal import PNG, Officer, web_session

# Routes the walker cannot fill, and why: the list shows what is not covered. (None today: files are walked too,
# each report carrying one; what a file's own bytes say, its metadata, is the privacy work's stripping.)
NOT_WALKED = {}

# Who may not see an anonim reporter's identity: everyone below; the national admin and oversight may, but only
# after opening the sealed identity with a reason, which the walk does at its end.
BLIND_STAFF = ["admin.bandung@tanggap.test", "penghubung.dinkes@tanggap.test", "teknis.pupr@tanggap.test",
               "operator.bandung@tanggap.test", "admin.kemenkes@tanggap.test", "admin@tanggap.test",
               "pengawas@tanggap.test"]
# Who may not even read a rahasia report held by Kabupaten Bandung's health office.
OUTSIDERS = ["operator.bandung@tanggap.test", "admin.kemenkes@tanggap.test", "teknis.pupr@tanggap.test"]


def routes(server):
    listed = subprocess.run([BINARY, "routes"], env=server.env, capture_output=True, text=True, timeout=120, check=True)
    return sorted({line.split(" ", 1)[1] for line in listed.stdout.splitlines() if line.startswith("GET ")})


def seed(server):
    """An anonim report, a rahasia one and an anonim one filed from an account, each with canary identities."""
    tag = uuid.uuid4().hex[:8]
    canary = {"name": f"Kanari Pelapor {tag}", "email": f"kanari-{tag}@contoh.id", "phone": "081355" + tag[:6].translate(str.maketrans("abcdef", "123456"))}
    account = {"name": f"Kanari Akun {tag}", "email": f"akun-{tag}@contoh.id", "password": "kata-sandi-kanari-123"}
    assert requests.post(server.url + "/api/v1/accounts", json=account, timeout=10).status_code == 201
    account_token = requests.post(server.url + "/api/v1/auth/tokens", json={"email": account["email"], "password": account["password"]},
                                  timeout=10).json()["token"]
    admin = Officer(server, "admin.bandung@tanggap.test")
    bandung, dinkes = admin.institution("Pemerintah Kabupaten Bandung"), admin.institution("Dinas Kesehatan")
    secret_title = f"RAHASIA kanari {tag}"
    files = {}

    def filed(title, headers=None, **flags):
        body = {"title": title, "body": "Petugas meminta uang tambahan untuk layanan yang seharusnya gratis di puskesmas.",
                "target_institution_id": bandung, **flags}
        if headers is None:
            body.update(reporter_name=canary["name"], reporter_email=canary["email"], reporter_phone=canary["phone"])
        fields = {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in body.items()}
        reply = requests.post(server.url + "/api/v1/reports", data=fields, files={"attachments[]": ("bukti.png", PNG, "image/png")},
                              headers=headers or {}, timeout=10)
        assert reply.status_code == 201, reply.text
        tracking_id = reply.json()["tracking_id"]
        files[tracking_id] = reply.json()["report"]["attachments"][0]["id"]
        admin.act(tracking_id, "verify")
        admin.act(tracking_id, "dispatch", institution_id=dinkes)
        return tracking_id

    reports = [
        filed(f"Anonim kanari {tag}", is_anonymous=True),
        filed(secret_title, is_anonymous=True, is_confidential=True),
        filed(f"Anonim dari akun {tag}", headers={"Authorization": f"Bearer {account_token}"}, is_anonymous=True),
    ]
    phone_digits = canary["phone"][1:]
    identity = [canary["name"], canary["email"], "62" + phone_digits, "0" + phone_digits, account["name"], account["email"]]
    return reports, files, identity, secret_title


def viewers(server):
    """(label, session): the public, another citizen, and staff, each with both the web session and an API token."""
    yield "public", requests.Session()
    for email in ["warga@tanggap.test"] + BLIND_STAFF:
        session = web_session(server.url, email, server.password)
        session.headers["Authorization"] = f"Bearer {server.token(email)}"
        yield email, session


# The Open311 routes name their document in one segment (`requests.json`): walked with the real documents, so the
# public lists and each report in both formats are read for the canaries too.
OPEN311_DOCUMENTS = {
    "/open311/v2/:document": ["requests.json", "requests.xml", "servicerequestupdates.json", "servicerequestupdates.xml"],
    "/open311/v2/requests/:document": ["{id}.json", "{id}.xml"],
}


def filled(route, tracking_id, file_id):
    parts = []
    for part in route.strip("/").split("/"):
        if part == ":tracking_id":
            parts.append(tracking_id)
        elif part == ":attachment_id":
            parts.append(file_id)
        elif part.startswith(":"):
            parts.append("1")
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def test_no_route_gives_an_anonim_reporter_away_or_a_rahasia_report_to_outsiders(server):
    reports, files, identity, secret_title = seed(server)
    walked = [r for r in routes(server) if r not in NOT_WALKED and "*" not in r]
    assert len(walked) > 40, walked
    assert "/kelola/laporan/:tracking_id" in walked and "/api/v1/reports/:tracking_id/deliveries" in walked

    leaks, asked, files_served, open311_read = [], 0, 0, 0
    for label, session in viewers(server):
        outsider = label in OUTSIDERS + ["public", "warga@tanggap.test"]
        forbidden = list(identity) + ([secret_title] if outsider else [])
        for route in walked:
            documents = OPEN311_DOCUMENTS.get(route)
            if documents:
                asks = sorted({(tracking_id if "{id}" in d else None, route.replace(":document", d.format(id=tracking_id)))
                               for tracking_id in reports for d in documents}, key=lambda ask: ask[1])
            else:
                asks = [(tracking_id, filled(route, tracking_id, files.get(tracking_id)))
                        for tracking_id in (reports if ":tracking_id" in route else [None])]
            for tracking_id, path in asks:
                reply = session.get(server.url + path, timeout=60, allow_redirects=False)
                asked += 1
                files_served += ":attachment_id" in route and reply.status_code == 200
                open311_read += route == "/open311/v2/requests/:document" and reply.status_code == 200
                if outsider and tracking_id == reports[1] and reply.status_code == 200:
                    leaks.append(f"{label} GET {path} is served the rahasia report")
                text = reply.content.decode("utf-8", errors="ignore") + " ".join(f"{k}: {v}" for k, v in reply.headers.items())
                leaks += [f"{label} GET {path} ({reply.status_code}) shows {canary!r}" for canary in forbidden if canary in text]
    print(f"walked {len(walked)} GET routes, {asked} requests; not walked: {sorted(NOT_WALKED)}")
    assert not leaks, "\n".join(leaks[:40])
    assert files_served > 0, "the file routes were walked with files that exist"
    assert open311_read > 0, "the published anonim reports were read over Open311 too"

    # The walker can see a canary where it may be seen: the national admin, having opened the sealed identity.
    national = {"Authorization": f"Bearer {server.token('admin@tanggap.test')}"}
    opened = requests.post(f"{server.url}/api/v1/reports/{reports[0]}/identity-openings", headers=national, timeout=10,
                           json={"reason": "Pemeriksaan dugaan penyalahgunaan kanal oleh pelapor ini."})
    assert opened.status_code == 201, opened.text
    assert identity[0] in requests.get(f"{server.url}/api/v1/reports/{reports[0]}", headers=national, timeout=10).text
