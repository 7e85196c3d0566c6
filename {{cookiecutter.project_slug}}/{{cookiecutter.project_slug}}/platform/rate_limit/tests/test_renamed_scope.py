"""The anonymous budget's scope was once called "anon": a deployment that configures it under that
name keeps its limit, with a warning that names the new one."""

import runpy

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from config.env import RenamedVariableWarning

from {{ cookiecutter.project_slug }}.platform.rate_limit.anonymous import anonymous_refusal
from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR

COMPONENTS_DIR = PROJECT_DIR / "config" / "settings" / "components"


def test_rate_limit_anon_rate_is_still_read_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATE_LIMIT_ANONYMOUS_RATE", raising=False)
    monkeypatch.setenv("RATE_LIMIT_ANON_RATE", "7/min")

    with pytest.warns(
        RenamedVariableWarning, match="RATE_LIMIT_ANON_RATE is now called RATE_LIMIT_ANONYMOUS_RATE"
    ):
        rest = runpy.run_path(str(COMPONENTS_DIR / "rest.py"))

    assert rest["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]["anonymous"] == "7/min"


def test_a_rate_set_under_the_old_anon_scope_still_limits_and_warns(settings: Settings) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    del rates["anonymous"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    request = RequestFactory().get("/api/anything/", REMOTE_ADDR="203.0.113.21")

    with pytest.warns(DeprecationWarning, match=r'\["anon"\] is now called .*\["anonymous"\]'):
        refusals = [anonymous_refusal(request) for _ in range(3)]

    assert refusals[:2] == [None, None]
    assert refusals[2] is not None
    assert refusals[2].status_code == 429
