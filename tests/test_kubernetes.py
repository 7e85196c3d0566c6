"""The Kubernetes manifests (deploy/kubernetes/), checked without a cluster: kustomize renders them,
they match the API schemas of the supported Kubernetes versions and KEDA's, and what they give the
app (its environment, probe paths, commands, queue) is what the app reads and serves."""

import json
import re
import secrets
import shlex
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
import yaml

from tests.bakery import DEFAULT, MINIMAL, Variant, env_names, env_values, ok, run
from tests.env_reads import env_reads

# Upstream supports the three newest minor releases; managed clusters (extended support) run older
# ones for longer. kubernetes-validate ships these schemas and reads them offline.
KUBERNETES_VERSIONS = ("1.32", "1.33", "1.34", "1.35", "1.36", "1.37")
NO_REALTIME = Variant("use_realtime=n", {"use_realtime": "n"})
NO_CELERY = Variant("use_celery=n", {"use_celery": "n"})
VARIANTS = [DEFAULT, MINIMAL, NO_REALTIME, NO_CELERY]
VARIANT_IDS = [variant.name for variant in VARIANTS]
KUBERNETES = Path("deploy") / "kubernetes"
BASE = KUBERNETES / "base"
OVERLAY = KUBERNETES / "overlays" / "production"
SECRET_TEMPLATE = BASE / "secret.template.yaml"
KEDA_SCHEMAS = Path(__file__).parent / "data" / "keda"
KEDA_KINDS = {"ScaledObject", "TriggerAuthentication"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "Job"}
# The processes of docker-compose.prod.yml that run the app's image, by service (= container) name.
APP_PROCESSES = ("web", "events", "worker", "beat", "migrate")
# A Kubernetes object name: a DNS-1123 subdomain (no underscores, no capitals).
DNS_1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Names that hold a credential: they belong in the Secret, never in the ConfigMap.
SECRET_NAME = re.compile(r"SECRET|PASSWORD|DATABASE_URL|DSN")
COMPOSE_DEFAULT = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?-[^}]*)?\}")
KUBERNETES_REFERENCE = re.compile(r"\$\(([A-Z_][A-Z0-9_]*)\)")
# REALTIME_HEARTBEAT_SECONDS's default: streams send a keep-alive this often.
HEARTBEAT_SECONDS = 15
# The deploy checks' placeholder pattern (platform/core/deploy_checks.py) and their E020 message.
PLACEHOLDER = re.compile(r"replace-with-[a-z0-9-]*")
PLACEHOLDERS_NAMED = re.compile(r"\.E020\) Placeholder values are still configured: (.*)\.$", re.M)
BROKER_URL = re.compile(r"redis://:(?P<password>[^@]*)@(?P<host>[^:/]+):(?P<port>\d+)/(?P<db>\d+)")
# Resolves paths with the project's URLconf under the production settings, in an environment
# built from the manifests, and prints what the workers' autoscaler must agree with.
RESOLVER = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.urls import resolve
print(json.dumps({
    "paths": {path: resolve(path).url_name for path in sys.argv[1:]},
    "broker": getattr(settings, "REDIS_BROKER_URL", None),
    "queue": getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None),
}))
"""


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.fail(
            "kubectl is not installed: the Kubernetes manifests are rendered with `kubectl"
            " kustomize` (https://kubernetes.io/docs/tasks/tools/)",
            pytrace=False,
        )
    return found


@cache
def render(project: Path, directory: Path) -> tuple[dict[str, Any], ...]:
    """The objects `kubectl kustomize` makes of `directory` in `project`."""
    output = run([kubectl(), "kustomize", str(directory)], cwd=project)
    ok(output)
    return tuple(doc for doc in yaml.safe_load_all(output.stdout) if doc)


def production(project: Path) -> tuple[dict[str, Any], ...]:
    return render(project, OVERLAY)


def secret_template(project: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((project / SECRET_TEMPLATE).read_text())
    return document


def of_kind(objects: tuple[dict[str, Any], ...], kind: str) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def workloads(objects: tuple[dict[str, Any], ...]) -> dict[str, dict[str, Any]]:
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] in WORKLOAD_KINDS}


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def containers(objects: tuple[dict[str, Any], ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, workload in workloads(objects).items():
        for container in pod_spec(workload)["containers"]:
            yield name, container


def app_containers(objects: tuple[dict[str, Any], ...]) -> dict[str, dict[str, Any]]:
    return {
        name: container
        for name, container in containers(objects)
        if container["name"] in APP_PROCESSES
    }


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def template_labels(workload: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = workload["spec"]["template"]["metadata"]["labels"]
    return labels


def config_map(objects: tuple[dict[str, Any], ...]) -> dict[str, str]:
    (found,) = of_kind(objects, "ConfigMap").values()
    data: dict[str, str] = found["data"]
    return data


def container_environment(
    objects: tuple[dict[str, Any], ...],
    project: Path,
    container: dict[str, Any],
    *,
    fill: Callable[[dict[str, str]], dict[str, str]] = dict,
) -> dict[str, str]:
    """What the kubelet gives the container: envFrom first, then env with $(NAME) expanded.
    `fill` changes the ConfigMap's and the Secret's values first."""
    sources = {"configMapRef": fill(config_map(objects))}
    sources["secretRef"] = fill(secret_template(project)["stringData"])
    environment: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ((kind, _),) = source.items()
        environment.update(sources[kind])
    for variable in container.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = KUBERNETES_REFERENCE.sub(
                lambda m: environment.get(m.group(1), m.group(0)), variable["value"]
            )
        else:
            environment[variable["name"]] = ""
    return environment


def app_environments(
    objects: tuple[dict[str, Any], ...], project: Path
) -> dict[str, dict[str, str]]:
    """What the kubelet gives each app process's container, by process."""
    return {
        name: container_environment(objects, project, container)
        for name, container in app_containers(objects).items()
    }


def compose_services(project: Path) -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = yaml.safe_load(
        (project / "docker-compose.prod.yml").read_text()
    )["services"]
    return services


def expected_workloads(variant: Variant) -> set[str]:
    answers = variant.answers
    celery = answers.get("use_celery", "y") == "y"
    names = {"web", "migrate", "redis", "redis-cache"}
    if answers.get("use_realtime", "y") == "y":
        names.add("events")
    if celery:
        names.add("worker")
    if celery and answers.get("use_celery_beat", "y") == "y":
        names.add("beat")
    return names


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_kustomize_renders_the_base_and_the_production_overlay_with_the_options_processes(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    base, overlay = render(project, BASE), production(project)
    namespace = project.name.replace("_", "-")

    for objects in (base, overlay):
        assert set(workloads(objects)) == expected_workloads(variant)
    (namespace_object,) = of_kind(overlay, "Namespace").values()
    assert namespace_object["metadata"]["name"] == namespace
    assert {obj["metadata"].get("namespace") for obj in overlay if obj["kind"] != "Namespace"} == {
        namespace
    }
    images = {container["image"] for _, container in app_containers(overlay).items()}
    assert images == {f"registry.example.com/{project.name}:0.1.0"}


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_every_object_name_is_one_kubernetes_accepts(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    objects = [*production(project), secret_template(project)]

    names = {obj["metadata"]["name"] for obj in objects}
    names |= {obj["metadata"]["namespace"] for obj in objects if "namespace" in obj["metadata"]}

    assert {name for name in names if not DNS_1123.match(name)} == set()


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_the_manifests_match_the_schemas_of_every_supported_kubernetes(
    baked: Callable[[Variant], Path], variant: Variant, tmp_path: Path
) -> None:
    project = baked(variant)
    core = [obj for obj in production(project) if obj["kind"] not in KEDA_KINDS]
    manifests = tmp_path / "manifests.yaml"
    manifests.write_text(yaml.safe_dump_all([*core, secret_template(project)]))
    versions = [argument for version in KUBERNETES_VERSIONS for argument in ("-k", version)]

    output = ok(run(["kubernetes-validate", "--strict", *versions, str(manifests)], cwd=tmp_path))

    # A kind without a schema only warns: each one must have had its schema checked.
    assert "WARN" not in output
    assert output.count(" passed for resource ") == (len(core) + 1) * len(KUBERNETES_VERSIONS)


def strict(schema: Any) -> Any:
    """The CRD schema with unknown fields refused: the API server prunes them without a word, so a
    misspelt field would silently do nothing."""
    if isinstance(schema, dict):
        closed = {key: strict(value) for key, value in schema.items()}
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def keda_check(objects: list[dict[str, Any]], directory: Path) -> Iterator[str]:
    """check-jsonschema's output for each KEDA object, against its kind's vendored schema."""
    for index, obj in enumerate(objects):
        vendored = yaml.safe_load(
            (KEDA_SCHEMAS / f"{obj['kind'].lower()}-v1alpha1.yaml").read_text()
        )
        schema, instance = directory / f"schema-{index}.json", directory / f"object-{index}.json"
        schema.write_text(json.dumps(strict(vendored)))
        instance.write_text(json.dumps(obj))
        result = run(
            ["check-jsonschema", "--schemafile", str(schema), str(instance)], cwd=directory
        )
        yield f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_the_workers_autoscaling_matches_kedas_schema(
    baked: Callable[[Variant], Path], tmp_path: Path
) -> None:
    keda = [obj for obj in production(baked(DEFAULT)) if obj["kind"] in KEDA_KINDS]
    misspelt = json.loads(json.dumps(keda[0]))
    misspelt["spec"]["minReplicas"] = misspelt["spec"].pop("minReplicaCount")

    results = list(keda_check([*keda, misspelt], tmp_path))

    assert sorted(obj["kind"] for obj in keda) == sorted(KEDA_KINDS)
    assert [result.split("\n", 1)[0] for result in results] == ["0", "0", "1"], results
    assert "minReplicas" in results[-1]


@pytest.mark.parametrize("variant", [MINIMAL, NO_CELERY], ids=["minimal", "use_celery=n"])
def test_without_celery_nothing_needs_keda(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    (policy,) = of_kind(production(project), "NetworkPolicy").values()

    assert [obj for obj in production(project) if obj["kind"] in KEDA_KINDS] == []
    assert "keda" not in json.dumps(policy)


def production_variables(project: Path, process: str) -> set[str]:
    """What production gives `process` in the compose file: its service's environment, and what
    .env.production sets that the app reads."""
    service = compose_services(project)[process]
    read = env_reads(project).names
    return set(service.get("environment") or {}) | (env_names(project / ".env.production") & read)


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_every_app_process_gets_every_variable_production_gives_it(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    objects = production(project)
    documented = env_names(project / ".env.example")

    for name, environment in app_environments(objects, project).items():
        provided = set(environment)
        assert production_variables(project, name) - provided == set(), name
        # The manifests set only variables .env.example documents: no misspelt name.
        assert provided - documented == set(), name


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_credentials_are_in_the_secret_and_settings_have_production_values(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    settings, secrets = config_map(production(project)), secret_template(project)["stringData"]
    env_production = env_values(project / ".env.production")

    assert {name for name in settings if SECRET_NAME.search(name)} == set()
    assert {name for name in secrets if not SECRET_NAME.search(name)} == set()
    assert set(secrets) <= set(env_production)
    # The same values as the production env file, where both set a variable.
    shared = set(settings) & set(env_production)
    assert {"DJANGO_ALLOWED_HOSTS", "SUPABASE_DB_POOL_MODE"} <= shared
    assert {name: settings[name] for name in shared} == {
        name: env_production[name] for name in shared
    }
    # Every required secret is a placeholder the deploy checks refuse (E020), never a real value;
    # an optional one is empty, as in the production env file (its feature off until it is set).
    optional = {name for name in secrets if env_production[name] == ""}
    assert all("replace-with-" in secrets[name] for name in set(secrets) - optional)
    assert all(secrets[name] == "" for name in optional)


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_each_process_runs_its_production_compose_command(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    services = compose_services(project)

    commands = {
        name: container["command"]
        for name, container in app_containers(production(project)).items()
    }

    assert set(commands) <= set(services)
    assert commands == {
        name: shlex.split(COMPOSE_DEFAULT.sub(r"$(\1)", services[name]["command"]))
        for name in commands
    }


def probes(workload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (container,) = pod_spec(workload)["containers"]
    return {kind: container[kind] for kind in container if kind.endswith("Probe")}


def in_container(
    project: Path, checker_python: Path, environment: dict[str, str], *args: str
) -> CompletedProcess[str]:
    """`python *args` in the project with the container's environment and nothing else: none of
    this machine's variables, no .env file."""
    variables = [f"{name}={value}" for name, value in environment.items()]
    command = [str(checker_python), *args]
    return run(["env", "-i", "DJANGO_ENV_FILE=/nonexistent", *variables, *command], cwd=project)


def resolved(
    project: Path, checker_python: Path, environment: dict[str, str], paths: list[str]
) -> dict[str, Any]:
    """Paths resolved by the project's URLconf under the production settings, loaded from the
    environment of one of its containers alone."""
    output = in_container(project, checker_python, environment, "-c", RESOLVER, *paths)
    assert output.returncode == 0, output.stderr
    result: dict[str, Any] = json.loads(output.stdout.splitlines()[-1])
    return result


def filled_in(values: dict[str, str]) -> dict[str, str]:
    """`values` with each placeholder replaced by what its owner would put there."""
    return {
        name: PLACEHOLDER.sub(secrets.token_urlsafe(50), value).replace(
            "your-project-ref", "abcdefghijklmnopqrst"
        )
        for name, value in values.items()
    }


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_migration_job_refuses_placeholders_and_passes_real_values(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    """The Job's first command, `check --deploy --fail-level WARNING`, under the manifests'
    environment: the Secret's placeholders stop the deploy, the values meant for them pass."""
    project = baked(variant)
    objects = production(project)
    migrate = app_containers(objects)["migrate"]
    check = ("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    as_templated = container_environment(objects, project, migrate)
    # The required secrets: an optional one is empty, and no check asks for it.
    secret_names = {name for name, value in secret_template(project)["stringData"].items() if value}

    refused = in_container(project, checker_python, as_templated, *check)
    filled = container_environment(objects, project, migrate, fill=filled_in)
    passed = in_container(project, checker_python, filled, *check)

    assert refused.returncode != 0
    named = PLACEHOLDERS_NAMED.search(refused.stderr)
    assert named, refused.stderr
    # The Redis password reaches the app inside the Redis URLs the manifests build from it.
    expected = secret_names - {"REDIS_PASSWORD"} | {"REDIS_DURABLE_URL"}
    assert expected <= set(named.group(1).split(", "))
    assert passed.returncode == 0, passed.stderr


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_probes_ask_health_endpoints_the_urlconf_serves(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    project = baked(variant)
    objects = production(project)
    allowed_hosts = config_map(objects)["DJANGO_ALLOWED_HOSTS"].split(",")
    http_servers = {
        name: workload for name, workload in workloads(objects).items() if name in {"web", "events"}
    }

    assert "web" in http_servers
    for name, workload in http_servers.items():
        (container,) = pod_spec(workload)["containers"]
        found = {kind: probe["httpGet"] for kind, probe in probes(workload).items()}
        environment = container_environment(objects, project, container)
        served = resolved(project, checker_python, environment, [p["path"] for p in found.values()])
        # Readiness probes the dependencies; liveness and start-up ask only whether the process
        # answers, so a dependency's outage never restarts it.
        assert {kind: served["paths"][probe["path"]] for kind, probe in found.items()} == {
            "startupProbe": "health-live",
            "readinessProbe": "health-ready",
            "livenessProbe": "health-live",
        }, name
        for probe in found.values():
            (host,) = [h["value"] for h in probe["httpHeaders"] if h["name"] == "Host"]
            assert host in allowed_hosts, name
            assert probe["port"] in {port["name"] for port in container["ports"]}, name


@pytest.mark.parametrize("variant", [DEFAULT, NO_CELERY], ids=["default", "use_celery=n"])
def test_every_app_container_loads_the_production_settings_from_the_manifests(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    project = baked(variant)
    objects = production(project)

    for name, environment in app_environments(objects, project).items():
        assert resolved(project, checker_python, environment, ["/api/health/"])["paths"] == {
            "/api/health/": "health"
        }, name


def test_keda_watches_the_list_the_workers_take_tasks_from(
    baked: Callable[[Variant], Path], checker_python: Path
) -> None:
    project = baked(DEFAULT)
    objects = production(project)
    (trigger,) = of_kind(objects, "ScaledObject")["worker"]["spec"]["triggers"]
    worker = {**of_kind(objects, "Deployment")["worker"]["metadata"]}
    environment = app_environments(objects, project)["worker"]
    settings = resolved(project, checker_python, environment, [])
    (authentication,) = of_kind(objects, "TriggerAuthentication").values()
    (password,) = authentication["spec"]["secretTargetRef"]

    broker = BROKER_URL.fullmatch(settings["broker"])
    assert broker, settings["broker"]
    namespace = worker["namespace"]
    assert trigger["type"] == "redis"
    assert trigger["metadata"]["listName"] == settings["queue"]
    assert trigger["metadata"]["databaseIndex"] == broker["db"]
    # KEDA runs in its own namespace: the broker's host, qualified with the app's.
    assert trigger["metadata"]["address"] == (
        f"{broker['host']}.{namespace}.svc.cluster.local:{broker['port']}"
    )
    assert trigger["authenticationRef"]["name"] == authentication["metadata"]["name"]
    assert secret_template(project)["stringData"][password["key"]] == broker["password"]
    assert trigger["metadata"]["listLength"].isdigit()


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_every_pod_runs_as_a_user_without_privileges_and_with_bounded_resources(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    objects = production(baked(variant))

    for name, workload in workloads(objects).items():
        spec = pod_spec(workload)
        assert spec["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        }, name
        # Service links would put REDIS_PORT=tcp://... and the like into the app's environment.
        assert spec["enableServiceLinks"] is False, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            assert container["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, name
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) == {"cpu", "memory"}, name
    for name, container in app_containers(objects).items():
        # The one place the app writes (metrics files), in memory.
        (tmp,) = [mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp"]
        (volume,) = [
            v for v in pod_spec(workloads(objects)[name])["volumes"] if v["name"] == tmp["name"]
        ]
        assert volume["emptyDir"]["medium"] == "Memory", name


def signal(metric: dict[str, Any]) -> str:
    """What an autoscaler metric follows: a resource's name (cpu) or a pods metric's."""
    if metric["type"] == "Resource":
        return str(metric["resource"]["name"])
    return str(metric["pods"]["metric"]["name"])


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_web_and_events_scale_on_their_own_signals_and_survive_disruptions(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    objects = production(project)
    deployments = of_kind(objects, "Deployment")
    autoscalers = of_kind(objects, "HorizontalPodAutoscaler")
    budgets = of_kind(objects, "PodDisruptionBudget")

    scaled = {"web", "events"} & set(deployments)
    assert set(autoscalers) == scaled
    for name in scaled:
        autoscaler = autoscalers[name]
        assert autoscaler["apiVersion"] == "autoscaling/v2"
        assert autoscaler["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert autoscaler["spec"]["minReplicas"] >= 2
        # The autoscaler owns the count: a replica count in the Deployment would fight it.
        assert "replicas" not in deployments[name]["spec"]
    signals = {
        name: [signal(metric) for metric in autoscalers[name]["spec"]["metrics"]] for name in scaled
    }
    assert signals["web"] == ["cpu"]
    if "events" in scaled:
        assert signals["events"][0] == "realtime_streams_open"
        # The gauge the events pods export under that name.
        metrics = project / project.name / "platform" / "realtime" / "metrics.py"
        assert '"realtime_streams_open"' in metrics.read_text()
    for name in {"web", "events", "worker"} & set(deployments):
        (budget,) = [
            b
            for b in budgets.values()
            if selects(b["spec"]["selector"]["matchLabels"], template_labels(deployments[name]))
        ]
        assert budget["spec"]["maxUnavailable"] == 1, name
        strategy = deployments[name]["spec"]["strategy"]
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_beat_is_a_singleton(baked: Callable[[Variant], Path], variant: Variant) -> None:
    objects = production(baked(variant))
    deployments = of_kind(objects, "Deployment")
    targets = {
        obj["spec"]["scaleTargetRef"]["name"]
        for obj in objects
        if obj["kind"] in {"HorizontalPodAutoscaler", "ScaledObject"}
    }

    if variant == MINIMAL:
        assert "beat" not in deployments
        return
    beat = deployments["beat"]["spec"]
    assert beat["replicas"] == 1
    # Recreate: the old beat is gone before the new one starts, even during a rollout.
    assert beat["strategy"] == {"type": "Recreate"}
    assert "beat" not in targets


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_the_event_stream_is_not_buffered_and_the_api_is(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    objects = production(project)
    body_limit = int(config_map(objects)["API_MAX_BODY_BYTES"])
    routes = {
        path["path"]: (ingress, path["backend"]["service"]["name"])
        for ingress in of_kind(objects, "Ingress").values()
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    nginx = "nginx.ingress.kubernetes.io/"

    web_ingress, web_service = routes.pop("/")
    assert web_service == "web"
    assert web_ingress["metadata"]["annotations"][f"{nginx}proxy-buffering"] == "on"
    assert (
        web_ingress["metadata"]["annotations"][f"{nginx}proxy-body-size"]
        == f"{body_limit // 1024}k"
    )
    if "events" not in of_kind(objects, "Deployment"):
        assert routes == {}
        assert "events" not in of_kind(objects, "Service")
        return
    stream_ingress, stream_service = routes.pop("/api/events/stream/")
    annotations = stream_ingress["metadata"]["annotations"]
    assert stream_service == "events"
    assert routes == {}
    assert annotations[f"{nginx}proxy-buffering"] == "off"
    # Far longer than the gap between keep-alives: a quiet stream is not cut.
    assert int(annotations[f"{nginx}proxy-read-timeout"]) >= 60 * HEARTBEAT_SECONDS


def test_the_stream_path_is_the_urlconfs(
    baked: Callable[[Variant], Path], checker_python: Path
) -> None:
    project = baked(DEFAULT)
    objects = production(project)
    (stream,) = [
        path["path"]
        for ingress in of_kind(objects, "Ingress").values()
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
        if path["backend"]["service"]["name"] == "events"
    ]
    events = app_containers(objects)["events"]

    served = resolved(
        project, checker_python, container_environment(objects, project, events), [stream]
    )

    assert served["paths"][stream] == "event-stream"


@pytest.mark.parametrize("variant", VARIANTS, ids=VARIANT_IDS)
def test_only_app_pods_reach_redis(baked: Callable[[Variant], Path], variant: Variant) -> None:
    objects = production(baked(variant))
    (policy,) = of_kind(objects, "NetworkPolicy").values()
    redis_pods = {
        name: template_labels(w)
        for name, w in workloads(objects).items()
        if name.startswith("redis")
    }
    app_pods = {
        name: template_labels(w) for name, w in workloads(objects).items() if name not in redis_pods
    }
    guarded = policy["spec"]["podSelector"]["matchLabels"]
    (rule,) = policy["spec"]["ingress"]
    in_namespace = [
        peer["podSelector"]["matchLabels"] for peer in rule["from"] if set(peer) == {"podSelector"}
    ]

    assert set(redis_pods) == {"redis", "redis-cache"}
    assert all(selects(guarded, labels) for labels in redis_pods.values())
    assert not any(selects(guarded, labels) for labels in app_pods.values())
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 6379}]
    (allowed,) = in_namespace
    assert all(selects(allowed, labels) for labels in app_pods.values())
    assert not any(selects(allowed, labels) for labels in redis_pods.values())
    others = [peer for peer in rule["from"] if set(peer) != {"podSelector"}]
    # The only other peer: KEDA's operator, in its own namespace, reading the queue's length.
    expected = 1 if "worker" in app_pods else 0
    assert len(others) == expected
    assert all(
        p["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "keda"}
        for p in others
    )


SELECTIVE_APPLY = re.compile(r"kubectl apply -k \S+ -l '(?P<key>\S+) in \((?P<values>[^)]*)\)'")


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_guides_first_apply_makes_only_the_settings_and_the_migration_job(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """docs/scaling.md migrates before the rollout by applying a label selection first: it must
    hold the Job and what the Job reads, and no pod of the new version."""
    project = baked(variant)
    (selection,) = SELECTIVE_APPLY.finditer((project / "docs" / "scaling.md").read_text())
    key, values = selection["key"], set(selection["values"].split(","))

    selected = {
        obj["kind"]
        for obj in production(project)
        if obj["metadata"].get("labels", {}).get(key) in values
    }

    assert selected == {"ConfigMap", "Job"}
    assert secret_template(project)["metadata"]["labels"][key] in values
