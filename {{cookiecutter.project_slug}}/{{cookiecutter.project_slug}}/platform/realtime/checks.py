"""System checks for the event stream's settings (IDs: E015 per-user cap, E016 per-process cap,
E017 heartbeat, E018 per-address cap)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id


@register(Tags.compatibility)
def check_stream_caps(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.REALTIME_MAX_STREAMS_PER_USER < 1:
        errors.append(
            Error(
                f"REALTIME_MAX_STREAMS_PER_USER is {settings.REALTIME_MAX_STREAMS_PER_USER}: "
                "every event stream would be refused with 429.",
                hint="Set REALTIME_MAX_STREAMS_PER_USER to 1 or more (a user's open tabs).",
                id=check_id("E015"),
            )
        )
    if settings.REALTIME_MAX_STREAMS_PER_PROCESS < 1:
        errors.append(
            Error(
                f"REALTIME_MAX_STREAMS_PER_PROCESS is {settings.REALTIME_MAX_STREAMS_PER_PROCESS}: "
                "every event stream would be refused with 503.",
                hint="Set REALTIME_MAX_STREAMS_PER_PROCESS to 1 or more (the default is 1000).",
                id=check_id("E016"),
            )
        )
    if settings.REALTIME_MAX_STREAMS_PER_ADDRESS < 1:
        errors.append(
            Error(
                f"REALTIME_MAX_STREAMS_PER_ADDRESS is {settings.REALTIME_MAX_STREAMS_PER_ADDRESS}: "
                "every event stream would be refused with 429.",
                hint="Set REALTIME_MAX_STREAMS_PER_ADDRESS to 1 or more (the default is 50).",
                id=check_id("E018"),
            )
        )
    return errors


@register(Tags.compatibility)
def check_stream_heartbeat(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.REALTIME_HEARTBEAT_SECONDS > 0:
        return []
    return [
        Error(
            f"REALTIME_HEARTBEAT_SECONDS is {settings.REALTIME_HEARTBEAT_SECONDS}.",
            hint=(
                "Streams send keep-alives and renew their leases every heartbeat; set it to a "
                "positive number of seconds (15 by default), below proxies' idle timeouts."
            ),
            id=check_id("E017"),
        )
    ]
