from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_heartbeats
from {{ cookiecutter.project_slug }}.platform.jobs.tasks import ping


class Command(BaseCommand):
    help = (
        "Exit 0 when at least one Celery worker sent a heartbeat recently (read from Redis, "
        "no broadcast to workers), 1 otherwise. --roundtrip also runs a task end to end."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--roundtrip",
            type=float,
            metavar="SECONDS",
            help="Also enqueue a no-op task and wait this long for its result.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        freshness = settings.WORKER_HEARTBEAT_INTERVAL * 3
        heartbeats = worker_heartbeats()
        for hostname, age in sorted(heartbeats.items()):
            state = "alive" if age <= freshness else "stale"
            self.stdout.write(f"{hostname}: last heartbeat {age:.1f} s ago ({state})")
        if not any(age <= freshness for age in heartbeats.values()):
            self.stderr.write(
                f"No Celery worker sent a heartbeat in the last {freshness:.0f} s: start one "
                "(make worker, or the worker service in compose) and check its log."
            )
            raise SystemExit(1)
        if options["roundtrip"]:
            result = ping.delay().get(timeout=options["roundtrip"])
            self.stdout.write(f"round trip: {result}")
