from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.realtime.checks import (
    check_stream_caps,
    check_stream_heartbeat,
)


def test_the_default_stream_settings_pass_the_checks() -> None:
    assert check_stream_caps(None) + check_stream_heartbeat(None) == []


def test_a_per_user_stream_cap_below_one_is_an_error(settings: Settings) -> None:
    settings.REALTIME_MAX_STREAMS_PER_USER = 0

    assert [error.id for error in check_stream_caps(None)] == [check_id("E015")]


def test_a_per_process_stream_cap_below_one_is_an_error(settings: Settings) -> None:
    settings.REALTIME_MAX_STREAMS_PER_PROCESS = 0

    assert [error.id for error in check_stream_caps(None)] == [check_id("E016")]


def test_a_per_address_stream_cap_below_one_is_an_error(settings: Settings) -> None:
    settings.REALTIME_MAX_STREAMS_PER_ADDRESS = 0

    assert [error.id for error in check_stream_caps(None)] == [check_id("E018")]


def test_a_heartbeat_of_zero_seconds_is_an_error(settings: Settings) -> None:
    settings.REALTIME_HEARTBEAT_SECONDS = 0

    assert [error.id for error in check_stream_heartbeat(None)] == [check_id("E017")]
