"""The one environment reader: every setting that comes from the environment goes through `env`."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

# Only these settings modules may fall back to development defaults; every other one (production,
# or a staging module a team adds later) must get its secrets and URLs from the environment.
SETTINGS_WITH_DEV_DEFAULTS = frozenset({"config.settings.local", "config.settings.test"})

env = environ.Env()


def read_env_file() -> None:
    """Load `.env` for native local runs; variables already in the environment win."""
    env_file = Path(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")))
    if env_file.is_file():
        environ.Env.read_env(env_file, overwrite=False)


def dev_default(value: Any) -> Any:
    """`value` as a default in local and test settings; in any other settings module the
    variable becomes required, so production never runs on a development default."""
    if os.environ.get("DJANGO_SETTINGS_MODULE") in SETTINGS_WITH_DEV_DEFAULTS:
        return value
    return environ.Env.NOTSET


{% if cookiecutter.use_supabase_storage == "y" -%}
def env_str_first(names: tuple[str, ...], *, default: Any) -> Any:
    """The first of `names` that is set (for settings known by an old and a new name)."""
    for name in names:
        if name in os.environ:
            return env.str(name)
    if default is environ.Env.NOTSET:
        raise environ.ImproperlyConfigured(f"Set one of these environment variables: {names}")
    return default


{% endif -%}
def redis_url_with_db(url: str, db: int) -> str:
    """The same Redis server as `url`, on database number `db` (query string kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))
