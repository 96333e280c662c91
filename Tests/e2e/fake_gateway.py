"""A stand-in for the internet's messaging gateways, on loopback, speaking their real wire formats.

It receives what Tanggap sends (Twilio's Messages API, a generic SMS gateway, the WhatsApp Cloud API, the
Telegram Bot API, and SMTP for e-mail) and keeps it; it serves the media Tanggap fetches; and, asked through its
control API, it delivers signed inbound webhooks to Tanggap exactly as each gateway would. It can be taken down
(every gateway call answers 503) and brought back.

    python fake_gateway.py --http-port 18001 --smtp-port 18002
"""
import argparse
import base64
import email
import email.policy
import hashlib
import hmac
import itertools
import os
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

# The credentials both sides are configured with.
TWILIO_SID, TWILIO_TOKEN, TWILIO_FROM = "AC0123456789abcdef0123456789abcdef", "twilio-auth-token-uji", "+14155550100"
SMS_SECRET, SMS_SEND_TOKEN = "rahasia-gateway-sms", "token-kirim-sms"
WA_VERIFY, WA_APP_SECRET, WA_TOKEN, WA_PHONE_ID = "verifikasi-wa", "rahasia-aplikasi-wa", "token-akses-wa", "106540352242922"
TG_TOKEN, TG_SECRET = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", "rahasia-webhook-telegram"
MAIL_SECRET = "rahasia-webhook-email"

# WhatsApp media by id: the one a test names "phone-photo" is a phone's JPEG full of metadata (see photos.py).
PHONE_PHOTO_ID = "phone-photo"


def media(media_id):
    if media_id == PHONE_PHOTO_ID:
        with open(os.path.join(os.path.dirname(__file__), "..", "ImageMetadataTests", "Fixtures", "phone.jpg"), "rb") as f:
            return f.read(), "image/jpeg"
    return PNG, "image/png"


PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def tanggap_env(gateway_url, smtp_port, public_url):
    """The settings that point a Tanggap at this gateway."""
    return {
        "TANGGAP_PUBLIC_URL": public_url,
        "TANGGAP_SMS_WEBHOOK_SECRET": SMS_SECRET, "TANGGAP_SMS_SEND_URL": gateway_url + "/sms/send",
        "TANGGAP_SMS_SEND_TOKEN": SMS_SEND_TOKEN,
        "TANGGAP_TWILIO_ACCOUNT_SID": TWILIO_SID, "TANGGAP_TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TANGGAP_TWILIO_FROM": TWILIO_FROM,
        "TANGGAP_TWILIO_API_URL": gateway_url,
        "TANGGAP_WHATSAPP_VERIFY_TOKEN": WA_VERIFY, "TANGGAP_WHATSAPP_APP_SECRET": WA_APP_SECRET,
        "TANGGAP_WHATSAPP_ACCESS_TOKEN": WA_TOKEN, "TANGGAP_WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID,
        "TANGGAP_WHATSAPP_API_URL": gateway_url + "/v21.0",
        "TANGGAP_TELEGRAM_BOT_TOKEN": TG_TOKEN, "TANGGAP_TELEGRAM_WEBHOOK_SECRET": TG_SECRET, "TANGGAP_TELEGRAM_API_URL": gateway_url,
        "TANGGAP_EMAIL_WEBHOOK_SECRET": MAIL_SECRET,
        "TANGGAP_SMTP_HOST": "127.0.0.1", "TANGGAP_SMTP_PORT": str(smtp_port), "TANGGAP_SMTP_FROM": "lapor@tanggap.test",
    }


# ---- Inbound: what each gateway posts to Tanggap ----------------------------------------------------------

def tanggap_signature(secret, timestamp, body):
    return "sha256=" + hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def post_generic_sms(tanggap, message_id, sender, text, secret=SMS_SECRET, timestamp=None, signed=True):
    body = json.dumps({"id": message_id, "sender": sender, "text": text}).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json", "X-Tanggap-Timestamp": str(timestamp)}
    if signed:
        headers["X-Tanggap-Signature"] = tanggap_signature(secret, timestamp, body)
    return requests.post(tanggap + "/webhooks/sms", data=body, headers=headers, timeout=10)


def twilio_signature(token, url, fields):
    data = url + "".join(k + v for k, v in sorted(fields.items()))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def post_twilio(tanggap, public_url, message_id, sender, text, token=TWILIO_TOKEN):
    fields = {"MessageSid": message_id, "AccountSid": TWILIO_SID, "From": sender, "To": TWILIO_FROM, "Body": text, "NumMedia": "0"}
    headers = {"X-Twilio-Signature": twilio_signature(token, public_url + "/webhooks/twilio", fields)}
    return requests.post(tanggap + "/webhooks/twilio", data=fields, headers=headers, timeout=10)


def whatsapp_payload(message_id, sender, text=None, image_id=None, name="Warga WhatsApp"):
    message = {"from": sender, "id": message_id, "timestamp": str(int(time.time()))}
    if image_id:
        message.update(type="image", image={"id": image_id, "mime_type": media(image_id)[1], "caption": text or ""})
    else:
        message.update(type="text", text={"body": text})
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"phone_number_id": WA_PHONE_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": sender}], "messages": [message]}}]}]}


def post_whatsapp(tanggap, payload, secret=WA_APP_SECRET, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(tanggap + "/webhooks/whatsapp", data=body, timeout=20,
                         headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def post_telegram(tanggap, update_id, chat_id, text=None, photo=False, secret=TG_SECRET):
    message = {"message_id": update_id % 100000, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
               "from": {"id": chat_id, "is_bot": False, "first_name": "Warga", "last_name": "Telegram"}}
    if photo:
        message["photo"] = [{"file_id": "kecil", "file_size": 10}, {"file_id": "besar", "file_size": 100}]
        message["caption"] = text or ""
    else:
        message["text"] = text
    return requests.post(tanggap + "/webhooks/telegram", json={"update_id": update_id, "message": message}, timeout=20,
                         headers={"X-Telegram-Bot-Api-Secret-Token": secret})


def raw_email(sender, subject, text, message_id, attachment=None, name="Warga Email", to="lapor@tanggap.test",
              authentication_results=None):
    message = email.message.EmailMessage()
    if authentication_results:
        message["Authentication-Results"] = authentication_results
    message["From"] = f"{name} <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(text)
    if attachment:
        message.add_attachment(attachment, maintype="image", subtype="png", filename="bukti.png")
    return message.as_bytes()


def post_email(tanggap, raw, secret=MAIL_SECRET, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "message/rfc822", "X-Tanggap-Timestamp": str(timestamp),
               "X-Tanggap-Signature": tanggap_signature(secret, timestamp, raw)}
    return requests.post(tanggap + "/webhooks/email", data=raw, headers=headers, timeout=20)


# ---- Outbound: what Tanggap sends, kept in order ----------------------------------------------------------

class Gateway:
    def __init__(self):
        self.sent = []
        self.down = False
        self.lock = threading.Lock()
        self.ids = itertools.count(1)

    def keep(self, channel, to, body, subject=None, reply_to=None):
        with self.lock:
            self.sent.append({"channel": channel, "to": to, "body": body, "subject": subject, "reply_to": reply_to,
                              "at": time.time()})
            return next(self.ids)


GATEWAY = Gateway()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, payload=None, raw=None, content_type="application/json"):
        data = raw if raw is not None else json.dumps(payload or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def authorized(self, expected):
        if self.headers.get("Authorization") != expected:
            self.reply(401, {"error": "unauthorized"})
            return False
        return True

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/control/sent":
            with GATEWAY.lock:
                return self.reply(200, GATEWAY.sent)
        if GATEWAY.down:
            return self.reply(503, {"error": "down"})
        if path.startswith("/v21.0/") and path.count("/") == 2:  # WhatsApp: where is media {id}?
            if not self.authorized(f"Bearer {WA_TOKEN}"):
                return
            media_id = path.rsplit("/", 1)[1]
            host = self.headers.get("Host")
            return self.reply(200, {"url": f"http://{host}/whatsapp-media/{media_id}", "mime_type": media(media_id)[1], "id": media_id})
        if path.startswith("/whatsapp-media/"):
            if not self.authorized(f"Bearer {WA_TOKEN}"):
                return
            data, content_type = media(path.rsplit("/", 1)[1])
            return self.reply(200, raw=data, content_type=content_type)
        if path == f"/file/bot{TG_TOKEN}/photos/file_1.png":
            return self.reply(200, raw=PNG, content_type="image/png")
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.body()
        if path == "/control/down":
            GATEWAY.down = True
            return self.reply(200, {"down": True})
        if path == "/control/up":
            GATEWAY.down = False
            return self.reply(200, {"down": False})
        if path == "/control/deliver":
            return self.deliver(json.loads(body))
        if GATEWAY.down:
            return self.reply(503, {"error": "down"})
        if path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            credentials = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
            if not self.authorized(f"Basic {credentials}"):
                return
            form = dict(urllib.parse.parse_qsl(body.decode()))
            number = GATEWAY.keep("sms", form["To"], form["Body"])
            return self.reply(201, {"sid": f"SM{number:032d}", "status": "queued"})
        if path == "/sms/send":
            if not self.authorized(f"Bearer {SMS_SEND_TOKEN}"):
                return
            data = json.loads(body)
            return self.reply(200, {"id": str(GATEWAY.keep("sms", data["to"], data["text"]))})
        if path == f"/v21.0/{WA_PHONE_ID}/messages":
            if not self.authorized(f"Bearer {WA_TOKEN}"):
                return
            data = json.loads(body)
            assert data["messaging_product"] == "whatsapp" and data["type"] == "text"
            number = GATEWAY.keep("whatsapp", data["to"], data["text"]["body"])
            return self.reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": data["to"], "wa_id": data["to"]}],
                                    "messages": [{"id": f"wamid.{number}"}]})
        if path == f"/bot{TG_TOKEN}/sendMessage":
            data = json.loads(body)
            number = GATEWAY.keep("telegram", str(data["chat_id"]), data["text"])
            return self.reply(200, {"ok": True, "result": {"message_id": number, "chat": {"id": data["chat_id"]}}})
        if path == f"/bot{TG_TOKEN}/getFile":
            data = json.loads(body)
            return self.reply(200, {"ok": True, "result": {"file_id": data["file_id"], "file_path": "photos/file_1.png"}})
        self.reply(404, {"error": "not found"})

    def deliver(self, order):
        """Posts one inbound webhook to Tanggap as the named gateway would, and answers with Tanggap's answer."""
        tanggap, kind = order["tanggap"], order["channel"]
        if kind == "sms":
            answer = post_generic_sms(tanggap, order["id"], order["sender"], order["text"])
        elif kind == "twilio":
            answer = post_twilio(tanggap, order["public_url"], order["id"], order["sender"], order["text"])
        elif kind == "whatsapp":
            answer = post_whatsapp(tanggap, whatsapp_payload(order["id"], order["sender"], order.get("text"), order.get("image_id")))
        elif kind == "telegram":
            answer = post_telegram(tanggap, int(order["id"]), int(order["sender"]), order.get("text"), order.get("photo", False))
        elif kind == "email":
            raw = raw_email(order["sender"], order["subject"], order["text"], order["id"],
                            PNG if order.get("attachment") else None, to=order.get("to", "lapor@tanggap.test"),
                            authentication_results=order.get("authentication_results"))
            answer = post_email(tanggap, raw)
        else:
            return self.reply(400, {"error": "unknown channel"})
        self.reply(200, {"status": answer.status_code, "body": answer.text})


class MailSink:
    async def handle_DATA(self, server, session, envelope):
        if GATEWAY.down:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        reply_to = message["Reply-To"].addresses[0].addr_spec if message["Reply-To"] else None
        GATEWAY.keep("email", envelope.rcpt_tos[0], message.get_body(("plain",)).get_content(), subject=str(message["Subject"]),
                     reply_to=reply_to)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller
    smtp = Controller(MailSink(), hostname="127.0.0.1", port=args.smtp_port)
    smtp.start()
    server = ThreadingHTTPServer(("127.0.0.1", args.http_port), Handler)
    try:
        server.serve_forever()
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
