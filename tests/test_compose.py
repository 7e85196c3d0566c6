"""The compose files and the Dockerfile, checked without a Docker engine: schema, references,
interpolation, and the production safety properties."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bakery import ALL_VARIANTS, DEFAULT, MINIMAL, Variant, env_names, ok, run

VARIANT_IDS = [variant.name for variant in ALL_VARIANTS]
COMPOSE_FILES = {"docker-compose.yml": ".env", "docker-compose.prod.yml": ".env.production"}
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(:?[-?])?[^}]*\}")


def compose(project: Path, name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((project / name).read_text())
    return document


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_compose_files_match_the_compose_spec(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)

    for name in COMPOSE_FILES:
        ok(run(["check-jsonschema", "--builtin-schema", "vendor.compose-spec", name], cwd=project))


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_compose_files_reference_only_what_exists(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    for name in COMPOSE_FILES:
        spec = compose(project, name)
        services, volumes = spec["services"], set(spec.get("volumes") or {})
        networks = set(spec.get("networks") or {})
        for service_name, service in services.items():
            assert set(service.get("depends_on") or {}) <= set(services), (name, service_name)
            named = {v.split(":")[0] for v in service.get("volumes", []) if not v.startswith(".")}
            assert named <= volumes, (name, service_name)
            assert set(service.get("networks", [])) <= networks, (name, service_name)
            env_file = service.get("env_file")
            assert env_file is None or (project / env_file).is_file(), (name, env_file)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_interpolated_variable_is_in_the_env_files(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    documented = env_names(project / ".env.example")

    for name, env_file in COMPOSE_FILES.items():
        used = {match.group(1) for match in INTERPOLATION.finditer((project / name).read_text())}
        assert used - documented == set(), f"{name} uses variables .env.example does not list"
        required = {
            m.group(1)
            for m in INTERPOLATION.finditer((project / name).read_text())
            if m.group(2) in (":?", "?") or m.group(2) is None
        }
        assert required - env_names(project / env_file) == set(), f"{env_file} lacks some"


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_a_service_that_reaches_the_host_maps_its_name_on_linux(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """host.docker.internal resolves on Docker Desktop only; the Linux engine needs the
    host-gateway mapping in every service that uses the name."""
    project = baked(variant)
    reaching = {
        (name, service_name): service.get("extra_hosts", [])
        for name in COMPOSE_FILES
        for service_name, service in compose(project, name)["services"].items()
        if "host.docker.internal" in json.dumps(service.get("environment", {}))
    }

    if variant in (DEFAULT, MINIMAL):  # Supabase's local stack is on the host; without it, nothing
        assert bool(reaching) == (variant == DEFAULT)
    assert {
        where: hosts
        for where, hosts in reaching.items()
        if "host.docker.internal:host-gateway" not in hosts
    } == {}


def test_production_never_falls_back_to_a_default_secret(baked: Callable[[Variant], Path]) -> None:
    text = (baked(DEFAULT) / "docker-compose.prod.yml").read_text()

    secrets = [m for m in INTERPOLATION.finditer(text) if "PASSWORD" in m.group(1)]
    assert secrets
    assert all(m.group(2) == ":?" for m in secrets)


def test_the_dockerfile_passes_hadolint(baked: Callable[[Variant], Path]) -> None:
    ok(run(["hadolint", "Dockerfile"], cwd=baked(DEFAULT)))


def test_production_compose_is_safe_by_default(baked: Callable[[Variant], Path]) -> None:
    services = compose(baked(DEFAULT), "docker-compose.prod.yml")["services"]
    durable, cache = services["redis"], services["redis-cache"]
    durable_command, cache_command = " ".join(durable["command"]), " ".join(cache["command"])

    assert "ports" not in durable
    assert "ports" not in cache
    assert "postgres" not in services  # the database is Supabase's, reached over TLS
    assert "--appendonly yes" in durable_command
    assert "--maxmemory-policy noeviction" in durable_command
    assert "--maxmemory-policy allkeys-lru" in cache_command
    assert "--maxmemory " in cache_command
    assert "--save ''" in cache_command and "--appendonly no" in cache_command
    for command in (durable_command, cache_command):
        assert '--requirepass "$$REDIS_PASSWORD"' in command  # from the environment, no literal
    for redis in (durable, cache):
        assert redis["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
        assert "grep -q PONG" in redis["healthcheck"]["test"][1]  # NOAUTH is not healthy
    for name, service in services.items():
        assert service["logging"]["options"] == {"max-size": "5m", "max-file": "3"}, name
        assert service.get("restart") in ("unless-stopped", "no"), name
        if name != "migrate":
            assert "healthcheck" in service, name
    assert services["web"]["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:8000"]
    assert services["web"]["command"].startswith("gunicorn --config config/gunicorn.py")
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "memory" in services["web"]["deploy"]["resources"]["limits"]
    # The deploy checks, warnings included, pass before anything is migrated or started.
    assert services["migrate"]["command"] == (
        'sh -c "python manage.py check --deploy --fail-level WARNING'
        ' && exec python manage.py migrate --noinput"'
    )


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_development_compose_publishes_ports_on_loopback_only(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    services = compose(baked(variant), "docker-compose.yml")["services"]

    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert {"redis", "django"} <= set(published)
    for name, ports in published.items():
        assert all(str(port).startswith("127.0.0.1:") for port in ports), (name, ports)


def caddy_site_routes(project: Path) -> list[dict[str, Any]]:
    """The site's routes in the Caddyfile, as Caddy itself parses it."""
    env = {"DOMAIN_NAME": "example.com"}
    adapted = run(["caddy", "adapt", "--config", "Caddyfile"], cwd=project, env=env)
    ok(adapted)
    server = json.loads(adapted.stdout)["apps"]["http"]["servers"]["srv0"]
    routes: list[dict[str, Any]] = server["routes"][0]["handle"][0]["routes"]
    return routes


def first_handler(route: dict[str, Any]) -> dict[str, Any]:
    """The handler a route runs (inside the subroute a `handle` block makes)."""
    handler: dict[str, Any] = route["handle"][0]
    if handler["handler"] == "subroute":
        handler = handler["routes"][0]["handle"][0]
    return handler


def caddy_routes(project: Path) -> list[tuple[list[str], str]]:
    """(path matchers, upstream) per reverse-proxy route of the Caddyfile."""
    return [
        (
            [path for match in route.get("match", []) for path in match.get("path", [])],
            first_handler(route)["upstreams"][0]["dial"],
        )
        for route in caddy_site_routes(project)
        if first_handler(route)["handler"] == "reverse_proxy"
    ]


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_proxy_buffers_and_caps_request_bodies_for_web(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """Sync workers behind a proxy that streamed bodies could be held by slow clients (the
    generated test_caddy.py shows it with the real caddy)."""
    handlers = [first_handler(route) for route in caddy_site_routes(baked(variant))]

    [cap] = [handler for handler in handlers if handler["handler"] == "request_body"]
    assert cap["max_size"] == 262144  # API_MAX_BODY_BYTES's default
    refusals = [handler for handler in handlers if handler["handler"] == "static_response"]
    assert sorted(refusal["status_code"] for refusal in refusals) == [403, 413]  # 403: /metrics
    [web] = [h for h in handlers if h.get("upstreams") == [{"dial": "web:8000"}]]
    assert web["buffer_requests"] is True
    proxy = compose(baked(variant), "docker-compose.prod.yml")["services"]["proxy"]
    assert proxy["environment"]["API_MAX_BODY_BYTES"] == "${API_MAX_BODY_BYTES:-262144}"


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_proxy_refuses_metrics_before_any_upstream(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """/metrics is for a scraper on the private network (the generated test_caddy.py runs it)."""
    routes = caddy_site_routes(baked(variant))
    paths = [
        [path for match in r.get("match", []) for path in match.get("path", [])] for r in routes
    ]
    metrics = paths.index(["/metrics*"])
    [web] = [
        number
        for number, route in enumerate(routes)
        if first_handler(route).get("upstreams") == [{"dial": "web:8000"}]
    ]

    assert first_handler(routes[metrics])["status_code"] == 403
    assert metrics < web  # Caddy tries routes in order: web's catch-all never sees /metrics


def test_the_proxy_sends_the_event_stream_to_events_and_the_rest_to_web(
    baked: Callable[[Variant], Path],
) -> None:
    services = compose(baked(DEFAULT), "docker-compose.prod.yml")["services"]

    assert caddy_routes(baked(DEFAULT)) == [
        (["/api/events/stream/*"], "events:8000"),
        ([], "web:8000"),
    ]
    assert (
        "gunicorn --config config/gunicorn.py config.wsgi:application" in services["web"]["command"]
    )
    assert services["events"]["command"] == (
        "gunicorn --config config/gunicorn_events.py config.asgi:application"
    )
    assert services["events"]["ports"] == ["127.0.0.1:${EVENTS_PORT:-8001}:8000"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_without_realtime_the_proxy_sends_everything_to_web(
    baked: Callable[[Variant], Path],
) -> None:
    services = compose(baked(MINIMAL), "docker-compose.prod.yml")["services"]

    assert "events" not in services
    assert caddy_routes(baked(MINIMAL)) == [([], "web:8000")]
