"""The API and its description agree: the document is valid, served as written, and a property-based run of
schemathesis against the live server finds no server error and no response outside the schema."""
import os
import subprocess
import sys

import requests
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from conftest import ROOT


def test_the_openapi_document_is_valid():
    spec, _ = read_from_filename(os.path.join(ROOT, "docs", "openapi.yaml"))
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_the_server_serves_the_document_as_written(server):
    served = requests.get(server.url + "/api/v1/openapi.yaml", timeout=10)
    with open(os.path.join(ROOT, "docs", "openapi.yaml"), encoding="utf-8") as f:
        assert served.text == f.read()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(server):
    token = server.token()
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    result = subprocess.run(
        [schemathesis, "run", server.url + "/api/v1/openapi.yaml", "--url", server.url + "/api/v1",
         "-H", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
         # Signing out, ending one's sessions and tokens or erasing the account would pull the rest of the run's
         # token away (and count wrong passwords against the account); adding a peer fetches the URL it is given,
         # and a test sends nothing beyond loopback.
         "--exclude-operation-id-regex", "^(signOut|eraseAccount|endMySession|revokeMyToken|previewPeer|addPeer)$",
         "--max-examples", "30", "--seed", "20261123", "--no-color"],
        capture_output=True, text=True, timeout=1200)
    summary = result.stdout[result.stdout.find("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
    print(f"schemathesis on {server.engine}:\n{summary}")
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    errors = [line for line in server.log().splitlines() if " error " in line or "critical" in line]
    assert not errors, "\n".join(errors[:20])
