"""/metrics as the deployment's Prometheus reads it: parsed with the Prometheus client library's own parser."""
import re

import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import METRICS_TOKEN

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]+")
PHONE = re.compile(r"(\+62|0)8\d{7,}")


def scrape(server):
    reply = requests.get(server.url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(reply.text)}


def value(families, name, **labels):
    for sample in families[name].samples if name in families else []:
        if sample.name in (name, name + "_total") and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return 0.0


def test_metrics_need_their_token(server):
    assert requests.get(server.url + "/metrics", timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer " + METRICS_TOKEN[:-1] + "x"}
    assert requests.get(server.url + "/metrics", headers=wrong, timeout=10).status_code == 401
    staff = {"Authorization": f"Bearer {server.token()}"}
    assert requests.get(server.url + "/metrics", headers=staff, timeout=10).status_code == 401, "a staff token is not the metrics token"


def test_a_submission_moves_the_intake_counter_by_exactly_one_and_no_label_names_a_person(server):
    before = scrape(server)
    reply = requests.post(server.url + "/api/v1/reports", timeout=10, json={
        "title": "Pungutan liar di kantor kelurahan", "classification": "pengaduan",
        "body": "Petugas meminta uang tambahan untuk surat pengantar yang seharusnya gratis.",
        "reporter_name": "Yusuf Metrik", "reporter_phone": "081355500099", "reporter_email": "yusuf.metrik@contoh.id"})
    assert reply.status_code == 201, reply.text
    tracking_id = reply.json()["tracking_id"].replace("-", "")
    requests.get(f"{server.url}/api/v1/reports/{tracking_id}", timeout=10)
    after = scrape(server)

    labels = dict(channel="api", classification="pengaduan")
    assert value(after, "tanggap_reports_received", **labels) == value(before, "tanggap_reports_received", **labels) + 1
    http = dict(method="POST", path="/api/v1/reports", status="201")
    assert value(after, "http_requests", **http) >= value(before, "http_requests", **http) + 1
    assert after["http_request_duration_seconds"].type == "histogram"
    assert {s.labels["light"] for s in after["tanggap_open_reports_by_light"].samples} == {"green", "yellow", "red"}
    assert sum(s.value for s in after["tanggap_open_reports_by_light"].samples) > 0, "the demo has open reports"
    assert value(after, "process_resident_memory_bytes") > 10_000_000
    assert "tanggap_jobs" in after and "tanggap_outbox_messages" in after

    every_label = [v for family in after.values() for s in family.samples for v in s.labels.values()]
    assert every_label, "the families carry labels"
    for label in every_label:
        assert not EMAIL.search(label) and not PHONE.search(label), label
        assert "Yusuf" not in label and tracking_id not in label.replace("-", "").upper(), label


def test_the_grafana_dashboard_asks_only_for_metrics_the_server_exposes(server):
    import json
    import os
    from conftest import ROOT
    with open(os.path.join(ROOT, "docs", "grafana-dashboard.json"), encoding="utf-8") as f:
        dashboard = json.load(f)
    exposed = scrape(server)
    asked = {name for panel in dashboard["panels"] for target in panel["targets"]
             for name in re.findall(r"\b((?:http|tanggap|process)_[a-z_]+)", target["expr"])}
    assert asked
    # Federation figures are per peer: an instance with no partner has none to show. Connections by state are
    # PostgreSQL's own figures.
    postgres_only = {"tanggap_database_connections", "tanggap_database_connections_max"}
    assert postgres_only <= asked
    for name in asked - {"tanggap_federation_outbox_events"} - (postgres_only if server.engine == "sqlite" else set()):
        family = re.sub(r"_(bucket|total)$", "", name)
        assert family in exposed, (name, sorted(exposed))
