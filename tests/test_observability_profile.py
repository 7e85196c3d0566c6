"""The development compose file's `observability` profile (collector, Prometheus, Grafana) and its
configuration files, checked without a Docker engine: the compose tier cannot pull these images
(no registry is reachable), so nothing here starts them. What is checked is what would make them
fail at start or show nothing: the profile parses, every mounted file exists, Prometheus scrapes
services that exist on the ports the project serves /metrics on, the collector's pipeline names
only components it defines, and the dashboard queries only the metrics the project exposes."""

import ipaddress
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.bakery import ALL_VARIANTS, DEFAULT, MINIMAL, Variant, ok, option_defaults, run

PROFILE = "observability"
# The official image of each profile service.
IMAGES = {
    "otel-collector": "otel/opentelemetry-collector-contrib",
    "prometheus": "prom/prometheus",
    "grafana": "grafana/grafana",
}
# The metrics the project exposes (issue 28's list; the platform's observability/metrics.py
# implements it): name -> (type, the option whose processes record it, or None for every bake).
METRICS: dict[str, tuple[str, str | None]] = {
    "http_requests_total": ("counter", None),
    "http_request_duration_seconds": ("histogram", None),
    "redis_command_duration_seconds": ("histogram", None),
    "rate_limit_decisions_total": ("counter", None),
    "db_pool_connections": ("gauge", None),
    "realtime_streams_open": ("gauge", "use_realtime"),
    "realtime_events_delivered_total": ("counter", "use_realtime"),
    "realtime_events_dropped_total": ("counter", "use_realtime"),
    "celery_queue_length": ("gauge", "use_celery"),
    "celery_tasks_total": ("counter", "use_celery"),
    "celery_task_duration_seconds": ("histogram", "use_celery"),
    "celery_worker_heartbeat_age_seconds": ("gauge", "use_celery"),
}
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")
# Where each process kind serves /metrics in the development compose file, by option.
SCRAPED = {"django:8000": None, "worker:9808": "use_celery"}
# The address pools a default Docker engine gives compose networks: /metrics must answer them.
DOCKER_POOLS = ("172.17.0.0/16", "172.31.0.0/16", "192.168.0.0/20", "192.168.240.0/20")

BY_NAME = {variant.name: variant for variant in ALL_VARIANTS}
OPTION_VARIANTS = [DEFAULT, BY_NAME["use_celery=n"], BY_NAME["use_realtime=n"], MINIMAL]
OPTION_IDS = [variant.name for variant in OPTION_VARIANTS]


def answers(variant: Variant) -> dict[str, str]:
    return {**option_defaults(), **variant.answers}


def chosen(option: str | None, variant: Variant) -> bool:
    return option is None or answers(variant)[option] == "y"


def development(project: Path) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((project / "docker-compose.yml").read_text())
    return spec


def profile_services(project: Path) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in development(project)["services"].items()
        if PROFILE in service.get("profiles", [])
    }


def bind_mounts(service: dict[str, Any]) -> dict[str, str]:
    """Source (relative to the project) -> path in the container, for ./ mounts."""
    mounts = (volume.split(":") for volume in service.get("volumes", []))
    return {source: target for source, target, *_ in mounts if source.startswith("./")}


def load(project: Path, relative: str) -> Any:
    text = (project / relative).read_text()
    return json.loads(text) if relative.endswith(".json") else yaml.safe_load(text)


def dashboard(project: Path) -> dict[str, Any]:
    board: dict[str, Any] = load(project, "observability/dashboards/project.json")
    return board


def panel_queries(board: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in board["panels"] for target in panel.get("targets", [])]


def queried_metrics(expr: str) -> set[str]:
    """The series a PromQL expression selects: label matchers, grouping clauses and range
    selectors left out, every remaining name not called as a function."""
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\b(?:by|without)\s*\([^)]*\)", " ", expr)
    names = re.findall(r"(?<![\w.$])([a-zA-Z_:][\w:]*)\b(?!\s*\()", bare)
    return set(names) - {"le", "or", "and", "unless", "bool", "offset"}


def exposed_metric(series: str) -> str | None:
    """The METRICS entry a series name belongs to (a histogram's _bucket/_sum/_count too)."""
    if series in METRICS and METRICS[series][0] != "histogram":
        return series
    for suffix in HISTOGRAM_SERIES:
        name = series.removesuffix(suffix)
        if name != series and METRICS.get(name, ("",))[0] == "histogram":
            return name
    return None


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_profile_runs_the_official_images_pinned_by_tag(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    services = profile_services(baked(variant))

    assert set(services) == set(IMAGES)
    for name, service in services.items():
        image, _, tag = service["image"].partition(":")
        assert image == IMAGES[name]
        assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), f"{name}: pin a release tag, not {tag!r}"
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_compose_file_parses_with_the_profile(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """docker-compose's own reading of the file (interpolation, its schema, references); `config`
    needs no engine."""
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is not installed: apt-get install docker-compose")
    read = run(["docker-compose", "--profile", PROFILE, "config"], cwd=baked(variant))
    ok(read)

    services = yaml.safe_load(read.stdout)["services"]
    assert all(services[name]["profiles"] == [PROFILE] for name in IMAGES)


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_every_file_the_profile_mounts_exists(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    mounted = {
        source for service in profile_services(project).values() for source in bind_mounts(service)
    }

    assert len(mounted) >= 4
    assert [source for source in mounted if not (project / source).exists()] == []


def test_production_runs_none_of_the_profile(baked: Callable[[Variant], Path]) -> None:
    text = (baked(DEFAULT) / "docker-compose.prod.yml").read_text()
    services = yaml.safe_load(text)["services"]

    assert set(IMAGES).isdisjoint(services)
    assert not any(image in text for image in IMAGES.values())


@pytest.mark.parametrize("variant", OPTION_VARIANTS, ids=OPTION_IDS)
def test_prometheus_scrapes_each_process_of_the_bake_by_its_service_name(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    config = load(project, "observability/prometheus.yml")
    services = development(project)["services"]
    targets = [
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    ]

    assert sorted(targets) == sorted(t for t, option in SCRAPED.items() if chosen(option, variant))
    assert {target.split(":")[0] for target in targets} <= set(services)
    assert {job.get("metrics_path", "/metrics") for job in config["scrape_configs"]} == {"/metrics"}
    assert "--port 8000" in services["django"]["command"][-1]
    prometheus = profile_services(project)["prometheus"]
    assert bind_mounts(prometheus)["./observability/prometheus.yml"] in " ".join(
        prometheus["command"]
    )


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_project_answers_prometheus_on_the_compose_network(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """Prometheus connects from a compose network address and sends `Host: django:8000`."""
    environment = development(baked(variant))["services"]["django"]["environment"]
    allowed = [
        ipaddress.ip_network(cidr) for cidr in environment["METRICS_ALLOWED_NETWORKS"].split(",")
    ]

    for pool in map(ipaddress.ip_network, DOCKER_POOLS):
        assert any(pool.version == net.version and pool.subnet_of(net) for net in allowed), pool  # type: ignore[arg-type]
    assert "django" in environment["DJANGO_ALLOWED_HOSTS"].split(",")


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_project_sends_traces_to_the_collector_only_when_asked(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    environment = development(project)["services"]["django"]["environment"]
    collector = load(project, "observability/collector.yaml")
    endpoint = urlsplit(environment["OTEL_EXPORTER_OTLP_ENDPOINT"])
    received = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]

    assert endpoint.hostname in profile_services(project)
    assert endpoint.port == 4318 == int(received.rsplit(":", 1)[1])
    assert received.startswith("0.0.0.0:")  # reached from the other containers
    # Off unless OTEL_TRACES_EXPORTER=otlp: a plain `up` has no collector to send to.
    assert environment["OTEL_TRACES_EXPORTER"] == "${OTEL_TRACES_EXPORTER:-none}"
    mounted = bind_mounts(profile_services(project)["otel-collector"])
    command = " ".join(profile_services(project)["otel-collector"]["command"])
    assert f"--config={mounted['./observability/collector.yaml']}" in command


def test_the_collector_pipeline_names_only_components_it_defines(
    baked: Callable[[Variant], Path],
) -> None:
    collector = load(baked(DEFAULT), "observability/collector.yaml")
    pipelines = collector["service"]["pipelines"]

    assert "traces" in pipelines
    for pipeline in pipelines.values():
        for kind in ("receivers", "processors", "exporters"):
            assert set(pipeline.get(kind, [])) <= set(collector.get(kind) or {}), kind


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_grafana_provisions_the_data_source_and_dashboard_it_mounts(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    grafana = profile_services(project)["grafana"]
    mounts = bind_mounts(grafana)
    provisioning = "observability/grafana-provisioning"
    [source] = load(project, f"{provisioning}/datasources/prometheus.yml")["datasources"]
    [provider] = load(project, f"{provisioning}/dashboards/project.yml")["providers"]
    board = dashboard(project)
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]

    assert mounts["./observability/grafana-provisioning"] == "/etc/grafana/provisioning"
    assert source["url"] == "http://prometheus:9090"
    assert provider["options"]["path"] == mounts["./observability/dashboards"]
    assert home == f"{provider['options']['path']}/project.json"
    panels = [panel for panel in board["panels"] if panel["type"] != "row"]
    assert len({panel["id"] for panel in board["panels"]}) == len(board["panels"])
    assert {panel["datasource"]["uid"] for panel in panels} == {source["uid"]}
    assert all(panel.get("targets") for panel in panels)


@pytest.mark.parametrize("variant", OPTION_VARIANTS, ids=OPTION_IDS)
def test_the_dashboard_charts_exactly_the_metrics_of_the_bake(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    queries = panel_queries(dashboard(baked(variant)))
    series = set().union(*map(queried_metrics, queries))
    charted = {exposed_metric(name) for name in series}

    unknown = {name for name in series if exposed_metric(name) is None}
    assert unknown == set(), "the dashboard queries series the project does not expose"
    assert charted == {name for name, (_, option) in METRICS.items() if chosen(option, variant)}


def test_the_query_reader_finds_the_series_and_nothing_else() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (le, route) "
        '(rate(http_request_duration_seconds_bucket{status=~"5.."}[$__rate_interval])))'
        " / sum(rate(http_requests_total[5m])) or vector(0)"
    )

    assert queried_metrics(expr) == {"http_request_duration_seconds_bucket", "http_requests_total"}
    assert exposed_metric("http_request_duration_seconds_count") == "http_request_duration_seconds"
    assert exposed_metric("http_requests_total_bucket") is None
    assert exposed_metric("celery_queue_length") == "celery_queue_length"
