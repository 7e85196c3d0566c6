"""What a platform feature registers from its AppConfig.ready() takes part in core's health
check, Redis roles and deploy checks, without core importing the feature."""

import pytest
from django.core.checks import run_checks
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core import deploy_checks, health, redis_clients
from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id


@pytest.fixture
def registries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copies of the registries for the test: what it registers is gone after it."""
    monkeypatch.setattr(health, "registered_probes", dict(health.registered_probes))
    monkeypatch.setattr(redis_clients, "URL_SETTING_ROLES", dict(redis_clients.URL_SETTING_ROLES))
    monkeypatch.setattr(deploy_checks, "checked_settings", dict(deploy_checks.checked_settings))


def _fails() -> None:
    raise ConnectionError("the feature's service is away")


@pytest.mark.django_db
@pytest.mark.usefixtures("registries")
def test_a_registered_probe_takes_part_in_the_health_check() -> None:
    health.registered_probes.clear()  # the test's copy: only its own probe besides core's
    health.register_health_probe("feature", _fails, critical=lambda: False)

    report = health.health_check()

    assert report.checks["feature"].status == "down"
    assert report.status == "degraded"


@pytest.mark.usefixtures("registries")
def test_a_registered_redis_role_is_configured_from_its_setting(settings: Settings) -> None:
    settings.FEATURE_REDIS_URL = "redis://127.0.0.1:6379/9"
    redis_clients.register_redis_role("feature", url_setting="FEATURE_REDIS_URL")

    assert redis_clients.redis_role_urls()["feature"] == "redis://127.0.0.1:6379/9"


@pytest.mark.usefixtures("registries")
def test_a_registered_placeholder_setting_is_named_by_e020(settings: Settings) -> None:
    settings.FEATURE_API_KEY = "replace-with-your-key"
    deploy_checks.register_placeholder_setting("FEATURE_API_KEY", "FEATURE_KEY")

    [error] = [m for m in run_checks(include_deployment_checks=True) if m.id == check_id("E020")]

    assert "FEATURE_KEY" in error.msg
