import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from {{ cookiecutter.project_slug }}.platform.core.redis_diagnosis import (
    Finding,
    RoleReport,
    SentinelReport,
    redis_diagnose,
    sentinel_diagnose,
)


class Command(BaseCommand):
    help = (
        "Connect to every configured Redis role, run a write/read/expire round trip and report "
        "server version, memory policy, persistence, hiredis and latency. Exit 1 on any error."
    )

    # It diagnoses the very misconfigurations the system checks would stop it for.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        sentinel = sentinel_diagnose()
        reports = redis_diagnose()
        ok = all(report.ok for report in reports) and (sentinel is None or sentinel.ok)
        if options["json"]:
            payload = [{**asdict(report), "ok": report.ok} for report in reports]
            sentinel_payload = sentinel and {**asdict(sentinel), "ok": sentinel.ok}
            self.stdout.write(
                json.dumps({"ok": ok, "sentinel": sentinel_payload, "roles": payload})
            )
        else:
            if sentinel:
                self._write_sentinel(sentinel)
            for report in reports:
                self._write_report(report)
            self._write_summary(reports)
        if not ok:
            raise SystemExit(1)

    def _write_sentinel(self, report: SentinelReport) -> None:
        status = self.style.SUCCESS("OK") if report.ok else self.style.ERROR("FAILED")
        answering = f"{len(report.sentinels_answering)}/{len(report.sentinels_configured)}"
        self.stdout.write(
            f"sentinel  {report.master_name}  {status} ({answering} sentinels answer)"
        )
        if report.master:
            replicas = ", ".join(report.replicas) or "none"
            self.stdout.write(f"          master {report.master}, replicas: {replicas}")
        self._write_findings(report.findings)

    def _write_report(self, report: RoleReport) -> None:
        status = self.style.SUCCESS("OK") if report.ok else self.style.ERROR("FAILED")
        self.stdout.write(f"{report.role:<9} {report.url}  {status}")
        if report.server_version:
            policy = f"maxmemory {report.maxmemory} ({report.maxmemory_policy})"
            persistence = ", ".join(f"{key} {value!r}" for key, value in report.persistence.items())
            self.stdout.write(
                f"          Redis {report.server_version}, {policy}, {persistence}, "
                f"hiredis {'yes' if report.hiredis else 'no'}, ping {report.ping_ms} ms"
            )
        self._write_findings(report.findings)

    def _write_findings(self, findings: list[Finding]) -> None:
        for finding in findings:
            style = self.style.ERROR if finding.level == "error" else self.style.WARNING
            self.stdout.write(style(f"          {finding.level}: {finding.message}"))
            self.stdout.write(f"          fix: {finding.hint}")

    def _write_summary(self, reports: list[RoleReport]) -> None:
        failing = [report.role for report in reports if not report.ok]
        if failing:
            self.stdout.write(
                self.style.ERROR(
                    f"{len(failing)} of {len(reports)} roles failing: {', '.join(failing)}."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"All {len(reports)} Redis roles OK."))
