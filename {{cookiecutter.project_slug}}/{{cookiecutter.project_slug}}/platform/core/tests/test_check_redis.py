import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis


def check_redis(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_redis", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_reports_every_role_of_the_machines_redis() -> None:
    code, output = check_redis()

    assert code == 0, output
    for role in redis_role_urls():
        assert role in output
    assert f"All {len(redis_role_urls())} Redis roles OK." in output
    assert "hiredis yes" in output
    assert "ping " in output


def test_json_report_is_machine_readable() -> None:
    code, output = check_redis("--json")

    report = json.loads(output)
    assert code == 0
    assert report["ok"] is True
    durable = next(role for role in report["roles"] if role["role"] == "durable")
    assert durable["server_version"].count(".") == 2
    assert durable["ping_ms"] > 0
    assert durable["findings"] == []


def test_a_dead_port_exits_1_and_says_to_start_redis(settings: Settings) -> None:
    settings.REDIS_DURABLE_URL = f"redis://127.0.0.1:{free_port()}/0"

    code, output = check_redis()

    assert code == 1
    assert "Nothing accepted a connection" in output
    assert "Start Redis" in output
    assert "roles failing: durable." in output


def test_the_docker_host_name_outside_docker_suggests_localhost(settings: Settings) -> None:
    settings.REDIS_DURABLE_URL = "redis://redis:6379/0"

    code, output = check_redis()

    assert code == 1
    assert "outside Docker use 127.0.0.1" in output


@pytest.fixture
def redis_with_password(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path, "--requirepass", "s3cret")
    server.start()
    yield server
    server.stop()


@pytest.mark.system
def test_a_missing_password_is_diagnosed(settings: Settings, redis_with_password: OwnRedis) -> None:
    settings.REDIS_DURABLE_URL = redis_with_password.url()

    code, output = check_redis()

    assert code == 1
    assert "refused the credentials" in output
    assert "redis://:<password>@host" in output


@pytest.mark.system
def test_a_wrong_password_is_diagnosed_and_not_printed(
    settings: Settings, redis_with_password: OwnRedis
) -> None:
    settings.REDIS_DURABLE_URL = redis_with_password.url(password="wrong-one")

    code, output = check_redis()

    assert code == 1
    assert "refused the credentials" in output
    assert "wrong-one" not in output
    assert ":***@" in output


def test_the_old_hiredis_parser_setting_is_diagnosed(settings: Settings) -> None:
    cache = settings.CACHES["default"]
    options = {**cache["OPTIONS"], "PARSER_CLASS": "redis.connection.HiredisParser"}
    settings.CACHES = {**settings.CACHES, "default": {**cache, "OPTIONS": options}}

    code, output = check_redis()

    assert code == 1
    assert "Remove PARSER_CLASS" in output


@pytest.mark.system
def test_a_durable_role_on_an_evicting_redis_is_a_warning(
    settings: Settings, tmp_path: Path
) -> None:
    server = OwnRedis(tmp_path, "--maxmemory", "10mb", "--maxmemory-policy", "allkeys-lru")
    server.start()
    try:
        settings.REDIS_DURABLE_URL = server.url()
        code, output = check_redis()
    finally:
        server.stop()

    assert code == 0
    assert "warning: The durable role is on a Redis that evicts keys (allkeys-lru)" in output


@pytest.mark.system
def test_a_cache_that_cannot_evict_is_a_warning(settings: Settings, tmp_path: Path) -> None:
    server = OwnRedis(tmp_path, "--maxmemory", "10mb", "--maxmemory-policy", "noeviction")
    server.start()
    try:
        cache = settings.CACHES["default"]
        settings.CACHES = {**settings.CACHES, "default": {**cache, "LOCATION": server.url(db=1)}}
        code, output = check_redis()
    finally:
        server.stop()

    assert code == 0
    assert "warning: The cache runs with maxmemory and noeviction" in output
