"""Several processes of the project behind one load balancer: two web servers sharing one Redis
and one Postgres behave as one. Requests alternate between servers. (A feature with processes or
connections of its own tests them the same way in its own test_scale_out_*.py.)"""

import pytest

from {{ cookiecutter.project_slug }}.testing.fixtures import SCALE_OUT_USER_RATE
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer

# The servers are other processes: they read only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)
# Every test but the rate-limit one stays under SCALE_OUT_USER_RATE.


def test_a_session_started_on_one_server_works_and_ends_on_the_other(
    two_servers: list[LiveServer], alice: ApiSession
) -> None:
    first, second = two_servers

    assert alice.get(second, HARNESS_URL).status_code == 200
    assert alice.post(second, "/api/auth/logout/").status_code == 204
    assert alice.get(first, HARNESS_URL).status_code in (401, 403)


def test_the_rate_limit_counts_requests_on_both_servers_together(
    two_servers: list[LiveServer], alice: ApiSession
) -> None:
    answers = [alice.get(two_servers[n % 2], HARNESS_URL) for n in range(SCALE_OUT_USER_RATE + 2)]

    assert [answer.status_code for answer in answers] == [200] * SCALE_OUT_USER_RATE + [429, 429]
    remaining = [answer.headers["RateLimit"] for answer in answers[:SCALE_OUT_USER_RATE]]
    assert [f"r={SCALE_OUT_USER_RATE - 1 - n};" in value for n, value in enumerate(remaining)] == [
        True
    ] * SCALE_OUT_USER_RATE


def test_a_write_on_one_server_invalidates_the_cache_the_other_reads(
    two_servers: list[LiveServer], alice: ApiSession
) -> None:
    first, second = two_servers
    assert alice.get(first, HARNESS_URL).json()["name"] == ""  # now cached

    created = alice.post(second, HARNESS_URL, {"name": "From the second server"})

    assert created.status_code == 201
    assert alice.get(first, HARNESS_URL).json()["name"] == "From the second server"
