import json
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from {{ cookiecutter.project_slug }}.platform.core.health import health_check
from {{ cookiecutter.project_slug }}.platform.core.healthprobe import (
    DEFAULT_TIMEOUT,
    DEFAULT_URL,
    ask_the_server,
    probe_host,
)


class Command(BaseCommand):
    help = (
        "Exit 0 when this server's /api/health/ answers 200 (the container HEALTHCHECK); with "
        "--in-process, probe the dependencies from here and print each one's error text."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=DEFAULT_URL)
        parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Probe from this process, with the details the public answer leaves out.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["in_process"]:
            self.probe_here(timeout=options["timeout"])
        else:
            self.ask_the_server(url=options["url"], timeout=options["timeout"])

    def probe_here(self, *, timeout: float) -> None:
        report = health_check(timeout=timeout)
        self.stdout.write(json.dumps(asdict(report), indent=2))
        if report.status == "down":
            raise SystemExit(1)

    def ask_the_server(self, *, url: str, timeout: float) -> None:
        host = probe_host(settings.ALLOWED_HOSTS)
        try:
            self.stdout.write(ask_the_server(url, host=host, timeout=timeout))
        except OSError as error:
            self.stderr.write(f"unhealthy: {error}")
            raise SystemExit(1) from error
