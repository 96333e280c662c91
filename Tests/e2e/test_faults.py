"""Faults an operator's Tanggap goes through, made on purpose under load (`faults.py`): PostgreSQL restarted and
failed over to a promoted standby, a full disk on SQLite, SIGTERM and kill -9. In each, every acknowledged report
is stored, every refusal is a structured 503/507 with Retry-After that came within the deadline, and Tanggap
recovers by itself."""
import os
import shutil
import tempfile

import pytest

import faults
from faults import DEADLINE
from pg_cluster import BIN

SLACK = 1.5  # what a debug build on a busy machine adds to an answer on top of the deadline

needs_postgres = pytest.mark.skipif(not BIN, reason="PostgreSQL is not installed")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system takes root")


@pytest.fixture
def workdir():
    folder = tempfile.mkdtemp(prefix="tanggap-faults-")
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def assert_refusals_were_structured(load, codes=("database_unavailable", "storage_full")):
    for started, seconds, status, detail, retry_after in load.refused():
        assert status in (503, 507), (status, detail)
        assert detail["error"]["code"] in codes and detail["error"]["message"], detail
        assert retry_after and int(retry_after) > 0
    assert load.longest() <= DEADLINE + SLACK, f"an answer took {load.longest():.1f} s"


@needs_postgres
@pytest.mark.parametrize("servers", [1, 2], ids=["one server", "two servers behind nginx"])
def test_a_postgres_restart_under_load_refuses_quickly_loses_nothing_and_recovers_by_itself(workdir, servers):
    outcome = faults.postgres_restart(workdir, servers=servers)
    assert outcome.recovered < 5, f"took {outcome.recovered:.1f} s to accept reports again"
    assert outcome.ready_during and all(outcome.ready_during), "/readyz failed while PostgreSQL was down"
    assert outcome.load.refused(), "the outage refused some submissions"
    assert_refusals_were_structured(outcome.load)
    assert outcome.load.acknowledged() and outcome.lost == 0
    assert outcome.proxy_gave_up == 0, "nginx never timed out on a server"
    assert outcome.exit_codes == [0] * servers


@needs_postgres
def test_tanggap_follows_a_promoted_standby_without_a_restart(workdir):
    outcome = faults.postgres_failover(workdir)
    assert outcome.recovered < 10, f"took {outcome.recovered:.1f} s to accept reports on the new primary"
    assert_refusals_were_structured(outcome.load)
    assert outcome.load.acknowledged() and outcome.lost == 0
    assert "database back; connections renewed" in outcome.logs[0]
    assert outcome.exit_codes == [0]


@needs_root
def test_a_full_disk_on_sqlite_refuses_with_507_leaves_no_file_behind_and_recovers_when_space_is_freed(workdir):
    outcome = faults.sqlite_disk_full(workdir)
    assert outcome.refusals_while_full > 0, "the full disk refused submissions"
    assert_refusals_were_structured(outcome.load)
    assert any(a[2] == 507 for a in outcome.load.refused()), "a full disk is told as such"
    assert outcome.lost == 0 and outcome.integrity == "ok"
    assert outcome.orphans == 0 and outcome.missing_files == 0
    assert outcome.recovered < 5
    assert outcome.exit_codes == [0]


def test_sigterm_under_load_stops_within_ten_seconds(workdir):
    outcome = faults.sigterm(workdir)
    assert outcome.stop_seconds < 10 + SLACK, f"took {outcome.stop_seconds:.1f} s to stop"
    assert outcome.exit_codes == [0]
    # What comes while stopping is refused in shape (or finds the port closed), and nothing acknowledged is lost.
    for started, seconds, status, detail, retry_after in outcome.load.refused():
        assert status == "no answer" or (status == 503 and detail["error"]["code"] == "shutting_down" and retry_after), (status, detail)
    assert outcome.load.acknowledged() and outcome.lost == 0 and outcome.integrity == "ok"


def test_kill_9_under_load_loses_no_acknowledged_report(workdir):
    outcome = faults.kill_9(workdir)
    assert outcome.load.acknowledged() and outcome.lost == 0 and outcome.integrity == "ok"
