"""The worker's health probe (jobs/heartbeat.py), registered with the platform's health check: no
worker degrades the app without making it unavailable."""

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls

HEALTH_URL = "/api/health/"


@pytest.mark.django_db
def test_no_worker_degrades_health_without_taking_it_down(anonymous_client: APIClient) -> None:
    # No Celery worker runs in this test.
    response = anonymous_client.get(HEALTH_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"].pop("worker")["status"] == "down"
    assert set(body["checks"]) == {"database", *(f"redis.{role}" for role in redis_role_urls())}
    assert all(check["status"] == "ok" for check in body["checks"].values())
