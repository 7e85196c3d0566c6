"""SUPABASE_SECRET_KEY was once read as SUPABASE_SERVICE_ROLE_KEY: that name still works, with a
warning that names the new one."""

import runpy

import pytest

from config.env import RenamedVariableWarning

from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR

COMPONENTS_DIR = PROJECT_DIR / "config" / "settings" / "components"


def supabase_settings() -> dict[str, object]:
    return runpy.run_path(str(COMPONENTS_DIR / "supabase.py"))


def test_supabase_service_role_key_is_still_read_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPABASE_SECRET_KEY", raising=False)
    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", "sb_secret_under_the_old_name")

    with pytest.warns(
        RenamedVariableWarning, match="SUPABASE_SERVICE_ROLE_KEY is now called SUPABASE_SECRET_KEY"
    ):
        settings = supabase_settings()

    assert settings["SUPABASE_SECRET_KEY"] == "sb_secret_under_the_old_name"


def test_supabase_secret_key_wins_over_the_old_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPABASE_SECRET_KEY", "sb_secret_new")
    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", "sb_secret_old")

    assert supabase_settings()["SUPABASE_SECRET_KEY"] == "sb_secret_new"
