"""No wrong door: reports by SMS, WhatsApp, Telegram and e-mail, through a fake gateway process on loopback that
speaks each gateway's real wire format, followed to the answer the reporter receives on the same channel."""
import re
import tempfile
import time
import uuid

import pytest
import requests

import fake_gateway as fg
from gateway import GatewayProcess
from conftest import ENGINES, SeededDemo
from photos import assert_clean, stored_files
from portal import Officer

TRACKING = re.compile(r"\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b")


@pytest.fixture(scope="module")
def gateway():
    process = GatewayProcess()
    yield process
    process.stop()


@pytest.fixture(scope="module", params=ENGINES)
def server(request, gateway):
    with tempfile.TemporaryDirectory(prefix="tanggap-e2e-") as data_dir:
        srv = SeededDemo.of(request.param).copy(data_dir)
        srv.env.update(fg.tanggap_env(gateway.url, gateway.smtp_port, srv.url))
        srv.env.update({"TANGGAP_JOB_BACKOFF_SECONDS": "1", "TANGGAP_RATE_LIMIT_CHANNEL_MESSAGES": "1000"})
        srv.start()
        yield srv
        srv.stop()


def unique_phone():
    return "+62812" + str(uuid.uuid4().int)[:7]


def handle(server, tracking_id):
    """The national admin verifies and sends the report to the health office; its liaison officer answers."""
    admin = Officer(server, "admin@tanggap.test")
    admin.act(tracking_id, "verify")
    admin.act(tracking_id, "dispatch", institution_id=admin.institution("Dinas Kesehatan"))
    Officer(server, "penghubung.dinkes@tanggap.test").act(tracking_id, "answer", text="Obat sudah tersedia kembali di Puskesmas.")


def report(server, tracking_id):
    return requests.get(f"{server.url}/api/v1/reports/{tracking_id}", headers=Officer(server, "admin@tanggap.test").headers,
                        timeout=10).json()


def events(server, tracking_id):
    return requests.get(f"{server.url}/api/v1/reports/{tracking_id}/events",
                        headers=Officer(server, "admin@tanggap.test").headers, timeout=10).json()["items"]


def test_sms_lapor_through_dispatch_and_answer_to_the_sms_the_reporter_receives(server, gateway):
    phone = unique_phone()
    answer = gateway.deliver(server, channel="twilio", id="SM" + uuid.uuid4().hex, sender=phone,
                             text="lapor Obat hipertensi habis di Puskesmas Banjaran sejak minggu lalu")
    assert answer["status"] == 200, answer
    ack = gateway.wait_for("sms", phone, "diterima")[0]["body"]
    tracking_id = TRACKING.search(ack).group(1)
    assert len(ack) <= 306 and "CEK " + tracking_id in ack
    stored = report(server, tracking_id)
    assert stored["channel"] == "sms" and stored["reporter"]["phone"] == phone and stored["title"].startswith("Obat hipertensi")

    handle(server, tracking_id)
    gateway.wait_for("sms", phone, "diverifikasi")
    gateway.wait_for("sms", phone, "Dinas Kesehatan")
    answered = gateway.wait_for("sms", phone, "Obat sudah tersedia")[0]["body"]
    assert f"BALAS {tracking_id}" in answered and len(answered) <= 306

    # The reporter replies and asks for the status, from a basic phone, through the generic gateway.
    assert gateway.deliver(server, channel="sms", id=uuid.uuid4().hex, sender=phone,
                           text=f"BALAS {tracking_id.lower().replace('-', ' ')} Terima kasih, obat sudah saya terima")["status"] == 200
    gateway.wait_for("sms", phone, "balasan untuk laporan")
    assert [e for e in events(server, tracking_id) if e["kind"] == "reply"][0]["channel"] == "sms"
    gateway.deliver(server, channel="sms", id=uuid.uuid4().hex, sender=phone, text=f"cek {tracking_id}")
    gateway.wait_for("sms", phone, "ditangani Dinas Kesehatan")
    gateway.deliver(server, channel="sms", id=uuid.uuid4().hex, sender=phone, text="halo?")
    gateway.wait_for("sms", phone, "kirim LAPOR")

    # Staff see every message the reporter was sent, and that each went out. A message is marked sent once the
    # gateway has answered, a moment after the gateway has it: the last one may still be on its way to "sent".
    staff = Officer(server, "admin@tanggap.test").headers
    deadline = time.time() + 15
    while True:
        log = requests.get(f"{server.url}/api/v1/reports/{tracking_id}/deliveries", headers=staff, timeout=10).json()["items"]
        if all(d["status"] == "sent" for d in log) or time.time() > deadline:
            break
        time.sleep(0.2)
    assert [d["status"] for d in log] == ["sent"] * len(log) and len(log) >= 6
    assert all(d["channel"] == "sms" and d["address"] == phone and d["gateway_message_id"] for d in log)
    assert requests.get(f"{server.url}/api/v1/reports/{tracking_id}/deliveries", timeout=10).status_code == 403, "public, not staff"


def test_whatsapp_text_and_photo_to_the_answer_on_whatsapp(server, gateway):
    verify = requests.get(server.url + "/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": fg.WA_VERIFY, "hub.challenge": "1158201444"}, timeout=10)
    assert verify.status_code == 200 and verify.text == "1158201444"
    assert requests.get(server.url + "/webhooks/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "x"}, timeout=10).status_code == 401

    number = unique_phone()[1:]
    answer = gateway.deliver(server, channel="whatsapp", id="wamid." + uuid.uuid4().hex, sender=number, image_id="8812",
                             text="Tumpukan sampah di Pasar Soreang tidak diangkut seminggu")
    assert answer["status"] == 200, answer
    ack = gateway.wait_for("whatsapp", number, "diterima")[0]["body"]
    tracking_id = TRACKING.search(ack).group(1)
    stored = report(server, tracking_id)
    assert stored["channel"] == "whatsapp" and stored["reporter"]["name"] == "Warga WhatsApp"
    assert [a["content_type"] for a in stored["attachments"]] == ["image/png"]

    handle(server, tracking_id)
    gateway.wait_for("whatsapp", number, "Obat sudah tersedia")
    # A plain message continues the conversation: it becomes the reply to the answered report.
    gateway.deliver(server, channel="whatsapp", id="wamid." + uuid.uuid4().hex, sender=number, text="Sudah dicek, terima kasih banyak")
    gateway.wait_for("whatsapp", number, "balasan untuk laporan")
    assert report(server, tracking_id)["state"] == "dispatched"

    # WhatsApp's status callbacks are kept beside each message: delivered, then read.
    admin = Officer(server, "admin@tanggap.test")
    log = requests.get(f"{server.url}/api/v1/reports/{tracking_id}/deliveries", headers=admin.headers, timeout=10).json()["items"]
    first = log[0]["gateway_message_id"]
    for status in ["delivered", "read"]:
        statuses = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "statuses": [{"id": first, "status": status, "recipient_id": number}]}}]}]}
        assert fg.post_whatsapp(server.url, statuses).status_code == 200
    log = requests.get(f"{server.url}/api/v1/reports/{tracking_id}/deliveries", headers=admin.headers, timeout=10).json()["items"]
    assert log[0]["gateway_status"] == "read" and all(d["channel"] == "whatsapp" for d in log)


def test_a_phone_photo_sent_on_whatsapp_is_kept_without_its_metadata(server, gateway):
    number = unique_phone()[1:]
    answer = gateway.deliver(server, channel="whatsapp", id="wamid." + uuid.uuid4().hex, sender=number,
                             image_id=fg.PHONE_PHOTO_ID, text="Kuitansi pungutan liar di kantor kecamatan, difoto kemarin")
    assert answer["status"] == 200, answer
    tracking_id = TRACKING.search(gateway.wait_for("whatsapp", number, "diterima")[0]["body"]).group(1)
    stored = report(server, tracking_id)
    assert [a["content_type"] for a in stored["attachments"]] == ["image/jpeg"]
    admin = Officer(server, "admin@tanggap.test")
    served = requests.get(server.url + stored["attachments"][0]["url"], headers=admin.headers, timeout=10)
    assert served.status_code == 200
    assert_clean(served.content, "phone.jpg", 6)
    assert served.content in stored_files(server)


def test_telegram_message_and_photo_to_the_answer_on_telegram(server, gateway):
    chat = str(700000000 + int(str(uuid.uuid4().int)[:6]))
    update = int(str(uuid.uuid4().int)[:9])
    answer = gateway.deliver(server, channel="telegram", id=str(update), sender=chat, photo=True,
                             text="Lampu penerangan jalan di Jalan Raya Soreang mati total")
    assert answer["status"] == 200, answer
    tracking_id = TRACKING.search(gateway.wait_for("telegram", chat, "diterima")[0]["body"]).group(1)
    stored = report(server, tracking_id)
    assert stored["channel"] == "telegram" and len(stored["attachments"]) == 1
    handle(server, tracking_id)
    gateway.wait_for("telegram", chat, "Obat sudah tersedia")


def test_email_with_attachment_to_the_answer_by_email_and_a_reply_matched_by_subject(server, gateway):
    address = f"warga-{uuid.uuid4().hex[:8]}@contoh.id"
    answer = gateway.deliver(server, channel="email", id=f"<{uuid.uuid4().hex}@contoh.id>", sender=address, attachment=True,
                             subject="Pungutan liar di kantor kelurahan",
                             text="Petugas kelurahan meminta uang untuk surat keterangan domisili.")
    assert answer["status"] == 200, answer
    ack = gateway.wait_for("email", address, "diterima")[0]
    tracking_id = TRACKING.search(ack["subject"]).group(1)
    stored = report(server, tracking_id)
    assert stored["title"] == "Pungutan liar di kantor kelurahan" and stored["reporter"]["email"] == address
    assert [a["name"] for a in stored["attachments"]] == ["bukti.png"]
    handle(server, tracking_id)
    answered = gateway.wait_for("email", address, "Obat sudah tersedia")[0]
    assert tracking_id in answered["subject"]
    reply_to = answered["reply_to"]
    assert reply_to.startswith("lapor+" + tracking_id.replace("-", "")) and reply_to.endswith("@tanggap.test"), reply_to
    # A forged From: with the right subject changes nothing; the address written from hears how to answer.
    gateway.deliver(server, channel="email", id=f"<{uuid.uuid4().hex}@contoh.id>", sender=address,
                    subject="Re: " + answered["subject"], text="Saya tarik laporan ini.")
    gateway.wait_for("email", address, "tidak dapat dipastikan")
    assert [e for e in events(server, tracking_id) if e["kind"] == "reply"] == []
    # The reporter answers the e-mail, to its reply address: the quoted text is left out.
    reply = "Sudah saya terima, terima kasih.\n\nOn Mon, 23 Nov 2026 Tanggap wrote:\n> Obat sudah tersedia"
    gateway.deliver(server, channel="email", id=f"<{uuid.uuid4().hex}@contoh.id>", sender=address, to=reply_to,
                    subject="Re: " + answered["subject"], text=reply)
    gateway.wait_for("email", address, "diterima dan diteruskan")
    replies = [e for e in events(server, tracking_id) if e["kind"] == "reply"]
    assert [e["note"] for e in replies] == ["Sudah saya terima, terima kasih."] and replies[0]["channel"] == "email"


def latest_report(server):
    return requests.get(server.url + "/api/v1/reports?limit=1", headers=Officer(server, "admin@tanggap.test").headers,
                        timeout=10).json()["items"][0]["tracking_id"]


def test_replayed_unsigned_forged_stale_oversized_and_malformed_webhooks_write_nothing(server, gateway):
    phone = unique_phone()
    message_id = uuid.uuid4().hex
    first = fg.post_generic_sms(server.url, message_id, phone, "LAPOR Jembatan gantung di Ciwidey putus talinya")
    assert first.status_code == 200
    gateway.wait_for("sms", phone, "diterima")
    before, sent_before = latest_report(server), len(gateway.sent())

    refusals = [
        fg.post_generic_sms(server.url, message_id, phone, "LAPOR Jembatan gantung di Ciwidey putus talinya"),  # replay
        fg.post_generic_sms(server.url, uuid.uuid4().hex, phone, "LAPOR tanpa tanda tangan sama sekali", signed=False),
        fg.post_generic_sms(server.url, uuid.uuid4().hex, phone, "LAPOR tanda tangan palsu dari penyerang", secret="salah"),
        fg.post_generic_sms(server.url, uuid.uuid4().hex, phone, "LAPOR kiriman lama diputar ulang", timestamp=int(time.time()) - 3600),
        fg.post_generic_sms(server.url, uuid.uuid4().hex, phone, "LAPOR " + "x" * 70_000),
        fg.post_generic_sms(server.url, uuid.uuid4().hex, "bukan-nomor", "LAPOR pengirim tidak sah sama sekali"),
        fg.post_twilio(server.url, server.url, "SM" + uuid.uuid4().hex, phone, "LAPOR token salah", token="salah"),
        fg.post_whatsapp(server.url, fg.whatsapp_payload("wamid.x", phone[1:], "LAPOR palsu"), secret="salah"),
        fg.post_whatsapp(server.url, None, raw=b'{"object": "whatsapp_business_account", "entry": [{"changes": '),
        fg.post_telegram(server.url, 991, 12345, "LAPOR token rahasia salah", secret="salah"),
        fg.post_email(server.url, b"bukan email sama sekali"),
        fg.post_email(server.url, fg.raw_email("warga@contoh.id", "Laporan", "Isi laporan lama", "<lama@contoh.id>"),
                      timestamp=int(time.time()) - 3600),
    ]
    statuses = [r.status_code for r in refusals]
    assert statuses[0] == 200, "a replay is acknowledged, so the gateway stops retrying"
    assert statuses[1:] == [401, 401, 401, 413, 400, 401, 401, 400, 401, 400, 401], statuses
    time.sleep(2)
    assert latest_report(server) == before and len(gateway.sent()) == sent_before, "nothing was written or sent"


ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def valid_tracking_id(seed):
    """A well-formed tracking ID (its check symbol right) that no report is likely to have."""
    digits = [(seed * (i + 7)) % len(ALPHABET) for i in range(9)]
    digits.append(sum((i + 1) * d for i, d in enumerate(digits)) % len(ALPHABET))
    text = "".join(ALPHABET[d] for d in digits)
    return text[:5] + "-" + text[5:]


def test_a_tracking_id_is_answered_the_same_whether_it_is_someone_elses_or_does_not_exist(server, gateway):
    owner, stranger = unique_phone(), unique_phone()
    fg.post_generic_sms(server.url, uuid.uuid4().hex, owner, "LAPOR Saluran air tersumbat di Katapang sejak hujan")
    tracking_id = TRACKING.search(gateway.wait_for("sms", owner, "diterima")[0]["body"]).group(1)
    unknown = valid_tracking_id(int(time.time()))
    assert report(server, unknown).get("error"), "no such report"
    for text in [f"CEK {tracking_id}", f"CEK {unknown}", f"BALAS {tracking_id} Saya bukan pelapornya", f"BALAS {unknown} Sama"]:
        assert fg.post_generic_sms(server.url, uuid.uuid4().hex, stranger, text).status_code == 200
    deadline = time.time() + 20
    while len(gateway.sent("sms", stranger)) < 4 and time.time() < deadline:
        time.sleep(0.2)
    answers = [m["body"] for m in gateway.sent("sms", stranger)]
    assert len(answers) == 4
    masked = {a.replace(tracking_id, "ID").replace(unknown, "ID") for a in answers}
    assert len(masked) == 1 and "tidak ditemukan" in masked.pop()
    assert not [e for e in events(server, tracking_id) if e["kind"] == "reply"]
    # The owner asking gets the status.
    fg.post_generic_sms(server.url, uuid.uuid4().hex, owner, f"CEK {tracking_id}")
    gateway.wait_for("sms", owner, "Pengelola Nasional")


def test_a_gateway_that_is_down_for_a_while_gets_every_message_once_when_it_is_back(server, gateway):
    phone = unique_phone()
    fg.post_generic_sms(server.url, uuid.uuid4().hex, phone, "LAPOR Puskesmas Pangalengan tutup pada jam pelayanan")
    tracking_id = TRACKING.search(gateway.wait_for("sms", phone, "diterima")[0]["body"]).group(1)
    requests.post(gateway.url + "/control/down", timeout=5)
    try:
        handle(server, tracking_id)
        time.sleep(4)  # several attempts fail meanwhile
        assert not gateway.sent("sms", phone)[1:], "nothing got through while the gateway was down"
    finally:
        requests.post(gateway.url + "/control/up", timeout=5)
    gateway.wait_for("sms", phone, "Obat sudah tersedia", timeout=60)
    time.sleep(5)  # any duplicate would have arrived by now
    bodies = [m["body"] for m in gateway.sent("sms", phone)]
    assert len(bodies) == len(set(bodies)) == 4, bodies  # received, verified, dispatched, answered: each once


def test_an_operator_records_a_walk_in_report_with_a_scanned_letter(server):
    from portal import csrf_of, png_file, web_session
    operator = web_session(server.url, "operator.bandung@tanggap.test", server.password)
    form = operator.get(server.url + "/kelola/kanal", timeout=10)
    assert form.status_code == 200 and 'name="channel"' in form.text
    with open(png_file("surat-warga.png"), "rb") as scan:
        receipt = operator.post(server.url + "/kelola/kanal", timeout=10, data={
            "_csrf": csrf_of(form.text), "channel": "letter", "classification": "pengaduan",
            "title": "Surat warga: jalan desa rusak", "body": "Warga Desa Sukamaju mengirim surat tentang jalan desa yang rusak.",
            "reporter_name": "Pak Ujang", "reporter_phone": "081355550000"}, files={"attachments[]": scan})
    assert receipt.status_code == 201, receipt.text
    tracking_id = TRACKING.search(receipt.text).group(1)
    assert re.search(r'id="secret">[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}<', receipt.text), "the secret to hand over"
    stored = report(server, tracking_id)
    assert stored["channel"] == "letter" and stored["reporter"]["name"] == "Pak Ujang" and stored["reporter"].get("user_id") is None
    assert [a["name"] for a in stored["attachments"]] == ["surat-warga.png"]
    # A citizen account cannot use the operator's form.
    citizen = web_session(server.url, "warga@tanggap.test", server.password)
    assert citizen.get(server.url + "/kelola/kanal", timeout=10).status_code == 403
