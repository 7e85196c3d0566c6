"""What this process's /metrics would say: one sample, parsed by Prometheus's own parser."""

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.project_slug }}.platform.observability.metrics import metrics_registry


def metric_samples(name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample called `name` (e.g. `http_requests_total`) with its labels."""
    text = generate_latest(metrics_registry()).decode()
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def metric_value(name: str, **labels: str) -> float:
    """The sample `name` with exactly `labels`; 0 when nothing was recorded under them yet."""
    return sum(value for found, value in metric_samples(name) if found == labels)
