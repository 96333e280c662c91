"""Two real instances on loopback (the national one on PostgreSQL when it is there, a region on SQLite), linked the way
two IT offices would: each reads the other's fingerprint, confirms it, and pins it; a signed greeting then crosses
both ways. A rotated key is not taken silently. The signature checks themselves are in the Swift suite
(MessageSignaturesTests, FederationInboxTests)."""
import glob
import os
import re
import stat
import subprocess

import requests

from conftest import BINARY, POSTGRES_URL, ROOT


def instance(make_server, engine, name):
    srv = make_server(engine, env={"TANGGAP_INSTANCE_NAME": name, "TANGGAP_DEMO": "always", "TANGGAP_DEMO_REPORTS": "12"})
    srv.env["TANGGAP_PUBLIC_URL"] = srv.url  # what peers reach it at, and what it checks signatures against
    return srv.start()


def cli(srv, *args):
    return subprocess.run([BINARY, *args], cwd=ROOT, env=srv.env, capture_output=True, text=True, timeout=120)


def well_known(srv):
    document = requests.get(srv.url + "/.well-known/tanggap", timeout=10).json()
    [active] = [key for key in document["keys"] if not key.get("expires_at")]
    return document, active


def a_node(srv, token):
    """A regency of the instance's own tree, to stand for the peer."""
    found = requests.get(srv.url + "/api/v1/institutions", params={"kind": "regency"}, timeout=10,
                         headers={"Authorization": f"Bearer {token}"}).json()
    return found["items"][0]["id"]


def test_two_instances_pin_each_other_and_greet_both_ways(make_server):
    national = instance(make_server, "postgres" if POSTGRES_URL else "sqlite", "SP4N-LAPOR! Nasional")
    region = instance(make_server, "sqlite", "Kabupaten Bojonegoro")
    national_token, region_token = national.token(), region.token()
    national_doc, national_key = well_known(national)
    region_doc, region_key = well_known(region)
    assert national_doc["name"] == "SP4N-LAPOR! Nasional" and region_doc["inbox"] == region.url + "/federation/v1/inbox"
    shown = cli(national, "federation", "show")
    assert shown.returncode == 0 and national_key["fingerprint"] in shown.stdout

    # The region's private seed is a file only its owner reads.
    [seed] = glob.glob(os.path.join(region.data_dir, "federation", "*.key"))
    assert stat.S_IMODE(os.stat(seed).st_mode) == 0o600

    # The national admin adds the region: first the fingerprint, then, confirmed, the peer. A wrong one adds nothing.
    node = str(a_node(national, national_token))
    first = cli(national, "federation", "peers", "add", region.url, "--institution", node)
    assert first.returncode == 0 and region_key["fingerprint"] in first.stdout, first.stdout + first.stderr
    wrong = cli(national, "federation", "peers", "add", region.url, "--institution", node, "--fingerprint", "0000 1111")
    assert wrong.returncode != 0
    assert cli(national, "federation", "peers", "list").stdout.strip() == ""
    added = cli(national, "federation", "peers", "add", region.url, "--institution", node,
                "--fingerprint", region_key["fingerprint"])
    assert added.returncode == 0, added.stdout + added.stderr
    peer_id = re.search(r"Added peer (\d+)", added.stdout).group(1)

    # Until the region adds the national instance too, a greeting is refused there.
    refused = cli(national, "federation", "peers", "hello", peer_id)
    assert refused.returncode != 0

    headers = {"Authorization": f"Bearer {region_token}"}
    preview = requests.get(region.url + "/api/v1/federation/peers/preview", params={"url": national.url},
                           headers=headers, timeout=30).json()
    assert preview["fingerprint"] == national_key["fingerprint"] and preview["name"] == "SP4N-LAPOR! Nasional"
    reply = requests.post(region.url + "/api/v1/federation/peers", headers=headers, timeout=30, json={
        "url": national.url, "institution_id": a_node(region, region_token), "fingerprint": preview["fingerprint"]})
    assert reply.status_code == 201, reply.text
    national_peer = reply.json()["id"]

    greeted = cli(national, "federation", "peers", "hello", peer_id)
    assert greeted.returncode == 0 and "applied" in greeted.stdout, greeted.stdout + greeted.stderr
    back = requests.post(f"{region.url}/api/v1/federation/peers/{national_peer}/hello", headers=headers, timeout=30)
    assert back.status_code == 200 and back.json()["status"] == "applied", back.text
    [seen] = requests.get(region.url + "/api/v1/federation/peers", headers=headers, timeout=10).json()["items"]
    assert seen["last_received_at"] and seen["last_delivered_at"]

    # The region rotates its key: the national instance pinned the old one and does not take the new one silently.
    rotated = cli(region, "federation", "rotate-key")
    assert rotated.returncode == 0
    again = requests.post(f"{region.url}/api/v1/federation/peers/{national_peer}/hello", headers=headers, timeout=30)
    assert again.status_code == 502 and again.json()["error"]["code"] == "peer_refused"
    national_headers = {"Authorization": f"Bearer {national_token}"}
    [link] = requests.get(national.url + "/api/v1/federation/peers", headers=national_headers, timeout=10).json()["items"]
    assert "unknown_key" in (link.get("last_error") or "")
