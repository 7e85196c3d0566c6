import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Exit 0 when this server's /api/health/ answers 200 (the container HEALTHCHECK)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/health/")
        parser.add_argument("--timeout", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and "*" not in h), "")
        request = urllib.request.Request(  # noqa: S310  (a URL we were given to probe)
            options["url"],
            headers={"Host": host.lstrip(".") or "localhost", "X-Forwarded-Proto": "https"},
        )
        try:
            with urllib.request.urlopen(request, timeout=options["timeout"]) as response:  # noqa: S310
                self.stdout.write(response.read().decode())
        except (urllib.error.URLError, OSError) as error:
            self.stderr.write(f"unhealthy: {error}")
            raise SystemExit(1) from error
