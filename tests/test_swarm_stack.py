"""The Docker Swarm stack file (deploy/swarm/stack.yml), read without an engine: each option's
processes at the issue's replicas, every variable production gives an app process (the same
inventory tests/test_kubernetes.py checks for the manifests), and every credential a Docker secret
that the app reads through NAME_FILE. tests/test_swarm.py deploys it for real."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bakery import Variant, env_names, env_values
from tests.test_kubernetes import (
    SECRET_NAME,
    VARIANT_IDS,
    VARIANTS,
    expected_workloads,
    production_variables,
)

SWARM = Path("deploy") / "swarm"
APP_PROCESSES = ("web", "events", "worker", "beat", "migrate")
SECRETS_DIRECTORY = "/run/secrets/"
# The replicas: two of each server, exactly one beat.
REPLICAS = {"web": 2, "events": 2, "worker": 2, "beat": 1, "migrate": 1, "proxy": 1}


def stack_services(project: Path) -> dict[str, dict[str, Any]]:
    """The stack's services, YAML anchors and merge keys resolved as `docker stack` does."""
    services: dict[str, dict[str, Any]] = yaml.safe_load(
        (project / SWARM / "stack.yml").read_text()
    )["services"]
    return services


def stack_environment(project: Path, service: dict[str, Any]) -> dict[str, str]:
    """What `docker stack deploy` gives the service's containers: its env files, then its
    `environment` (which wins)."""
    environment: dict[str, str] = {}
    env_files = service.get("env_file", [])
    for env_file in [env_files] if isinstance(env_files, str) else env_files:
        environment.update(env_values(project / SWARM / env_file))
    environment.update({name: str(value) for name, value in service.get("environment", {}).items()})
    return environment


def provided(environment: dict[str, str]) -> set[str]:
    """The variables the app sees: NAME_FILE gives NAME (config/env.py)."""
    return {name.removesuffix("_FILE") for name in environment}


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_the_stack_runs_the_options_processes_at_their_replicas(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    services = stack_services(baked(variant))

    assert set(services) == expected_workloads(variant) | {"proxy"}
    for name, service in services.items():
        assert service["deploy"].get("replicas", 1) == REPLICAS.get(name, 1), name
        # Task addresses, not a virtual IP: no IPVS needed, Caddy balances (docs/scaling.md).
        assert service["deploy"]["endpoint_mode"] == "dnsrr", name
    for name in {"web", "events"} & set(services):
        update = services[name]["deploy"]["update_config"]
        assert (update["order"], update["failure_action"]) == ("start-first", "rollback"), name
        assert "healthprobe" in services[name]["healthcheck"]["test"][1], name
    for name in {"web", "events", "worker", "beat"} & set(services):
        # Every process starts only once `migrate --check` passes; migrate never reruns.
        assert "migrate --check" in " ".join(services[name]["entrypoint"]), name
    assert services["migrate"]["deploy"]["restart_policy"]["condition"] == "on-failure"
    if "beat" in services:
        # Never two beats, not even for the length of an update.
        assert services["beat"]["deploy"]["update_config"]["order"] == "stop-first"


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_every_app_service_gets_every_variable_production_gives_it(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    documented = env_names(project / ".env.example")
    # An optional credential, empty in .env.production (its feature off), has no secret: Docker
    # refuses an empty one. docs/scaling.md says how to add it.
    optional = {
        name for name, value in env_values(project / ".env.production").items() if not value
    }

    for name, service in stack_services(project).items():
        if name not in APP_PROCESSES:
            continue
        given = provided(stack_environment(project, service))
        assert production_variables(project, name) - given - optional == set(), name
        # Only variables .env.example documents: no misspelt name.
        assert given - documented == set(), name


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_every_credential_is_a_docker_secret_the_app_reads_from_its_file(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    stack = yaml.safe_load((project / SWARM / "stack.yml").read_text())
    env_production = env_values(project / ".env.production")
    settings = env_values(project / SWARM / "app.env")

    # The settings file holds no credential, and the values .env.production has for the rest.
    assert {name for name in settings if SECRET_NAME.search(name)} == set()
    shared = set(settings) & set(env_production)
    assert {"DJANGO_ALLOWED_HOSTS", "SUPABASE_DB_POOL_MODE"} <= shared
    assert {name: settings[name] for name in shared} == {n: env_production[n] for n in shared}
    for name, service in stack["services"].items():
        environment = stack_environment(project, service)
        # No credential as a value anywhere, and each file one of the service's own secrets.
        assert {
            n for n in environment if SECRET_NAME.search(n) and not n.endswith("_FILE")
        } == set()
        files = {value for variable, value in environment.items() if variable.endswith("_FILE")}
        mounted = {SECRETS_DIRECTORY + secret for secret in service.get("secrets", [])}
        assert files <= mounted, name
    # The secrets the issue names, each a file the stack reads and git and the image never see.
    named = {"django_secret_key", "redis_password", "database_url"}
    if variant.answers.get("use_supabase_auth", "y") == "y":
        named.add("supabase_jwt_secret")
    assert named <= set(stack["secrets"])
    for secret in stack["secrets"].values():
        assert secret["file"].startswith("./secrets/"), secret
    assert "/deploy/swarm/secrets/" in (project / ".gitignore").read_text().splitlines()
    assert "/deploy/swarm/secrets/" in (project / ".dockerignore").read_text().splitlines()
    # The Redis servers read the same secret: their password is never in the environment.
    for name in ("redis", "redis-cache"):
        assert stack["services"][name]["secrets"] == ["redis_password"]
        assert "$$(cat /run/secrets/redis_password)" in stack["services"][name]["command"][-1]
