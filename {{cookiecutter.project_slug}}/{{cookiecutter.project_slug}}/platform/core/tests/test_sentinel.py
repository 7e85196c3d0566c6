"""A Redis Sentinel failover under the running project: a master, a replica and three sentinels
of the test's own; the master is killed, Sentinel promotes the replica and the project carries on
(cache, sessions, rate limits) without a restart or a setting changed. A feature with Redis
connections of its own tests them through a failover in its own tests."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from config.env import redis_address

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.redis_diagnosis import (
    SentinelReport,
    sentinel_diagnose,
)
from {{ cookiecutter.project_slug }}.testing.certificates import make_certificates
from {{ cookiecutter.project_slug }}.testing.failover import (
    fail_over_and_recover,
)
from {{ cookiecutter.project_slug }}.testing.project import check_redis_report, run_project
from {{ cookiecutter.project_slug }}.testing.sentinel import SENTINEL_MASTER, SentinelDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer

# Every test starts redis-servers and sentinels, or a process of the project.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def test_check_redis_names_the_master_and_follows_a_failover(
    sentinel_deployment: SentinelDeployment, sentinel_env: dict[str, str]
) -> None:
    promoted = f"127.0.0.1:{sentinel_deployment.replica.port}"
    before = sentinel_diagnose()
    sentinel_deployment.kill_master()
    reports: list[SentinelReport | None] = []

    def reports_the_promotion() -> bool:
        # The sentinels learn of the promotion a moment apart: poll until the report shows it.
        reports.append(sentinel_diagnose())
        return reports[-1] is not None and reports[-1].master == promoted

    sentinel_deployment.wait_until(reports_the_promotion)

    assert before is not None
    assert before.master == f"127.0.0.1:{sentinel_deployment.master.port}"
    assert before.replicas == [promoted]
    assert len(before.sentinels_answering) == 3
    assert before.findings == []
    assert reports[-1] is not None
    assert reports[-1].ok


def test_check_redis_prints_the_master_and_its_replicas(
    sentinel_deployment: SentinelDeployment, sentinel_env: dict[str, str]
) -> None:
    out = StringIO()

    call_command("check_redis", stdout=out)

    master, replica = sentinel_deployment.master.port, sentinel_deployment.replica.port
    assert f"{SENTINEL_MASTER}  OK (3/3 sentinels answer)" in out.getvalue()
    assert f"master 127.0.0.1:{master}, replicas: 127.0.0.1:{replica}" in out.getvalue()


def test_passwords_for_the_master_and_the_sentinels_are_used(
    tmp_path: Path, settings: Settings
) -> None:
    deployment = SentinelDeployment(
        tmp_path, password="master-secret", sentinel_password="s-secret"
    )
    deployment.start()
    settings.REDIS_SENTINELS = [
        redis_address(a, variable="REDIS_SENTINELS", example="")
        for a in deployment.addresses.split(",")
    ]
    settings.REDIS_SENTINEL_MASTER = SENTINEL_MASTER
    settings.REDIS_DURABLE_URL = f"redis://:master-secret@{SENTINEL_MASTER}/0"
    try:
        without_sentinel_password = sentinel_diagnose()
        settings.REDIS_SENTINEL_PASSWORD = "s-secret"
        redis_client("durable").set("through-sentinel", "yes")
        stored = redis_client("durable").get("through-sentinel")
        with_passwords = sentinel_diagnose()
    finally:
        deployment.stop()

    assert without_sentinel_password is not None
    assert [finding.message for finding in without_sentinel_password.findings] == [
        f"No sentinel named a master {SENTINEL_MASTER!r}: the sentinels refused the credentials."
    ]
    assert stored == b"yes"
    assert with_passwords is not None
    assert with_passwords.ok


def test_every_role_reaches_a_tls_master_through_the_sentinels(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)
    deployment = SentinelDeployment(tmp_path, certificates=certificates)
    deployment.start()
    env = {
        "REDIS_SENTINELS": deployment.addresses,
        "REDIS_SENTINEL_MASTER": SENTINEL_MASTER,
        "REDIS_DURABLE_URL": f"rediss://{SENTINEL_MASTER}/0",
    }
    try:
        verified = check_redis_report(**env, REDIS_SSL_CA_CERTS=str(certificates["ca.crt"]))
        unverifiable = check_redis_report(**env)
    finally:
        deployment.stop()

    assert all(verified.values()), verified
    assert not any(unverifiable.values()), unverifiable


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"REDIS_SENTINELS": "127.0.0.1:26379", "REDIS_SENTINEL_MASTER": ""},
            "REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is not",
        ),
        (
            {"REDIS_SENTINELS": "127.0.0.1", "REDIS_SENTINEL_MASTER": "main"},
            "REDIS_SENTINELS entry '127.0.0.1' is not host:port",
        ),
    ],
)
def test_a_half_configured_sentinel_stops_the_process_with_the_reason(
    env: dict[str, str], message: str
) -> None:
    result = run_project("pass", **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_the_project_carries_on_through_a_sentinel_failover(
    sentinel_deployment: SentinelDeployment, failover_server: LiveServer, alice: ApiSession
) -> None:
    fail_over_and_recover(sentinel_deployment, alice, failover_server)
