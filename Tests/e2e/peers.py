"""Linking two running instances as their national admins would (docs/federation.md)."""
import requests

from portal import Officer

ADMIN = "admin@tanggap.test"


def link(here, there, node):
    """`here`'s national admin adds `there` for the node named `node`, after reading its fingerprint. Returns the peer."""
    admin = Officer(here, ADMIN)
    preview = requests.get(here.url + "/api/v1/federation/peers/preview", params={"url": there.url}, headers=admin.headers,
                           timeout=30).json()
    reply = requests.post(here.url + "/api/v1/federation/peers", headers=admin.headers, timeout=30, json={
        "url": there.url, "institution_id": admin.institution(node), "fingerprint": preview["fingerprint"]})
    assert reply.status_code == 201, reply.text
    return reply.json()
