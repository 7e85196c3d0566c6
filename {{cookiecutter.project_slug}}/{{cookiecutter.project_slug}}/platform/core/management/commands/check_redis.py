import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from {{ cookiecutter.project_slug }}.platform.core.redis_diagnosis import (
    ClusterReport,
    Finding,
    RoleReport,
    SentinelReport,
    cluster_diagnose,
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
        sentinel, cluster = sentinel_diagnose(), cluster_diagnose()
        reports = redis_diagnose()
        topology = [report for report in (sentinel, cluster) if report is not None]
        ok = all(report.ok for report in reports) and all(report.ok for report in topology)
        if options["json"]:
            payload = [{**asdict(report), "ok": report.ok} for report in reports]
            sentinel_payload = sentinel and {**asdict(sentinel), "ok": sentinel.ok}
            cluster_payload = cluster and {**asdict(cluster), "ok": cluster.ok}
            self.stdout.write(
                json.dumps(
                    {
                        "ok": ok,
                        "sentinel": sentinel_payload,
                        "cluster": cluster_payload,
                        "roles": payload,
                    }
                )
            )
        else:
            if sentinel:
                self._write_sentinel(sentinel)
            if cluster:
                self._write_cluster(cluster)
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

    def _write_cluster(self, report: ClusterReport) -> None:
        status = self.style.SUCCESS("OK") if report.ok else self.style.ERROR("FAILED")
        self.stdout.write(
            f"cluster   {report.slots_served}/16384 slots served  {status} "
            f"(cluster_state:{report.state})"
        )
        for address, state in report.nodes.items():
            self.stdout.write(f"          {address} {state}")
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
