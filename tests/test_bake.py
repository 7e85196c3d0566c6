"""Every option value bakes a clean project: rendered, linted, compiling, checks and
migrations in order."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.bakery import (
    ALL_VARIANTS,
    DEFAULT,
    EVERYTHING_ON,
    MINIMAL,
    REDIS_URL,
    TEMPLATE,
    Variant,
    database_url,
    env_names,
    env_values,
    ok,
    run,
)
from tests.env_reads import env_reads, variables_documented, variables_read

VARIANT_IDS = [variant.name for variant in ALL_VARIANTS]

# Cookiecutter's own syntax must never reach the output. GitHub's `${{ }}` and Django template
# tags in .html files are the output's own syntax and stay.
COOKIECUTTER_ATTRIBUTE = re.compile(r"cookiecutter\.\w")
JINJA_EXPRESSION = re.compile(r"(?<!\$)\{\{")
JINJA_STATEMENT = re.compile(r"\{%")


# What tools write into a bake that other tests lint or type-check (the bakes are shared): not the
# template's output. A tool's cache may hold any text of the files it read, `{{` included.
TOOL_DIRECTORIES = {".venv", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


def project_files(project: Path) -> list[Path]:
    return [
        path
        for path in project.rglob("*")
        if path.is_file() and not TOOL_DIRECTORIES.intersection(path.parts)
    ]


def leftovers(path: Path) -> list[str]:
    text = path.read_text(errors="replace")
    patterns = [COOKIECUTTER_ATTRIBUTE]
    if path.suffix != ".html":  # Django templates use {{ }} and {% %} themselves
        patterns += [JINJA_EXPRESSION, JINJA_STATEMENT]
    return [f"{path}: {pattern.pattern}" for pattern in patterns if pattern.search(text)]


def manage_env(variant: Variant) -> dict[str, str]:
    return {"DATABASE_URL": database_url(variant), "REDIS_DURABLE_URL": REDIS_URL}


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_nothing_is_left_unrendered(baked: Callable[[Variant], Path], variant: Variant) -> None:
    project = baked(variant)

    bad_names = [
        str(path)
        for path in project.rglob("*")
        if "{{" in str(path) or "cookiecutter" in str(path.relative_to(project))
    ]
    bad_contents = [hit for path in project_files(project) for hit in leftovers(path)]

    assert bad_names == []
    assert bad_contents == []


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_ruff_finds_nothing_to_change(baked: Callable[[Variant], Path], variant: Variant) -> None:
    project = baked(variant)

    ok(run(["ruff", "check", "--no-cache", "."], cwd=project))
    ok(run(["ruff", "format", "--no-cache", "--check", "."], cwd=project))


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_python_compiles(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    ok(run([str(checker_python), "-m", "compileall", "-q", "."], cwd=baked(variant)))


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_django_checks_and_migrations_are_clean(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    project = baked(variant)
    env = manage_env(variant)

    check = ok(
        run(
            [str(checker_python), "manage.py", "check", "--fail-level", "WARNING"],
            cwd=project,
            env=env,
        )
    )
    ok(
        run(
            [str(checker_python), "manage.py", "makemigrations", "--check", "--dry-run"],
            cwd=project,
            env=env,
        )
    )
    assert "no issues" in check


PLACEHOLDERS_NAMED = re.compile(r"\.E020\) Placeholder values are still configured: (.*)\.$", re.M)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_check_deploy_names_the_placeholders_by_the_variables_in_env_production(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    """What `make check-deploy` says to replace is what .env.production calls it."""
    project = baked(variant)
    env = {
        **env_values(project / ".env.production"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ENV_FILE": ".env.production",
    }

    result = run([str(checker_python), "manage.py", "check", "--deploy"], cwd=project, env=env)
    named = PLACEHOLDERS_NAMED.search(result.stderr)

    assert named, result.stderr
    assert "DATABASE_URL" in named.group(1).split(", ")
    assert set(named.group(1).split(", ")) - env_names(project / ".env.production") == set()


# Where Redis clients are built: every role's, the SSE hub's asyncio subscriber included.
CLIENT_MODULES = {"redis_clients.py"}


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_no_parser_class_and_no_client_built_outside_the_clients_module(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    settings_files = list((project / "config").rglob("*.py"))
    app_code = [
        path
        for path in project_files(project)
        if path.suffix == ".py"
        # benchmarks time the seed's way on purpose; the harness (testing/) builds clients for the
        # redis-servers and sentinels a test starts itself
        and not {"tests", "testing", "benchmarks"} & set(path.parts)
        and path.name not in CLIENT_MODULES
    ]

    parser_settings = [
        p.name for p in settings_files if re.search(r"[\"']PARSER_CLASS[\"']", p.read_text())
    ]
    client_builders = [
        str(p.relative_to(project))
        for p in app_code
        if re.search(r"from_url\(|\bRedis\(|\bConnectionPool\(", p.read_text())
    ]

    assert parser_settings == []
    assert client_builders == []


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_variable_the_settings_read_is_documented(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    documented = env_names(project / ".env.example")
    reads = env_reads(project)

    assert {"DATABASE_URL", "REDIS_DURABLE_URL"} <= reads.names, "the reads are no longer found"
    assert reads.names - documented == set()
    # A name the reader cannot see cannot be checked against .env.example.
    assert reads.unnamed == []


def every_option_variable(baked: Callable[[Variant], Path]) -> set[str]:
    """The variables of every option: the template's .env.example lists them all, the bake with
    every option on reads them all (the harness's included)."""
    everything_on = baked(EVERYTHING_ON)
    listed = env_names(TEMPLATE / "{{cookiecutter.project_slug}}" / ".env.example")
    return listed | variables_read(everything_on)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_documented_variable_is_read_and_every_read_one_documented(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """.env.example and the README name no variable this bake ignores (one of a left-out
    option's), and the code, harness and configuration files read none they leave out."""
    project = baked(variant)
    read = variables_read(project)
    documented = variables_documented(project, known=every_option_variable(baked))

    assert {"DATABASE_URL", "POSTGRES_PASSWORD", "CHROMIUM_PATH"} <= read, "reads not found"
    assert documented - read == set()
    assert read - documented == set()


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_only_the_environment_reader_reads_the_environment(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    reads = env_reads(baked(variant))

    # os.environ / os.getenv outside config/env.py; the DJANGO_SETTINGS_MODULE default and the
    # tests, harness and benchmarks are left out (tests/env_reads.py says why).
    assert reads.direct == []


def test_ci_workflow_matches_githubs_schema(baked: Callable[[Variant], Path]) -> None:
    workflow = baked(DEFAULT) / ".github" / "workflows" / "ci.yml"

    ok(
        run(
            ["check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)],
            cwd=workflow.parent,
        )
    )


def test_git_ignores_every_env_file_but_the_example(
    baked: Callable[[Variant], Path], tmp_path: Path
) -> None:
    (tmp_path / ".gitignore").write_text((baked(DEFAULT) / ".gitignore").read_text())
    candidates = [".env", ".env.production", ".env.staging", ".env.production.local"]
    for name in [*candidates, ".env.example"]:
        (tmp_path / name).write_text("DJANGO_SECRET_KEY=secret\n")
    ok(run(["git", "init", "--quiet"], cwd=tmp_path))

    ignored = run(["git", "check-ignore", *candidates, ".env.example"], cwd=tmp_path).stdout.split()

    assert sorted(ignored) == sorted(candidates)


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_the_security_page_names_settings_the_project_reads(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    section = (project / "docs" / "security.md").read_text()
    table_rows = [line for line in section.splitlines() if line.startswith("| ")]
    must_set = section.split("**A deployment must set:**", 1)[1].split("\n\n", 1)[0]
    documented = env_names(project / ".env.example")

    assert len(table_rows) >= 10
    assert {"TRUSTED_PROXIES", "RATE_LIMIT_ANONYMOUS_RATE", "API_MAX_BODY_BYTES"} <= set(
        re.findall(r"`([A-Z][A-Z0-9_]{3,})`", section)
    )
    assert set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", must_set)) - documented == set()


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_make_target_has_its_own_recipe(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    phony = re.search(r"^\.PHONY:(.*)$", (project / "Makefile").read_text(), re.M)
    assert phony is not None

    empty = [
        target
        for target in phony.group(1).split()
        if "Nothing to be done" in run(["make", "-n", target], cwd=project).stdout
    ]

    assert empty == []


# The template's history (the seed document it started from, its own machines and goals) and its
# machinery (the hook that deletes files, its conditionals, its renderer) mean nothing to the
# generated project's users, in prose or in code comments. Schemathesis's "--seed" option (the
# contract test's) is a fuzzer's random seed, not prose.
HISTORY = re.compile(
    r"\bseed(s|'s)?\b|\bthe template's\b|\bgoal\b|post-generation hook|template conditionals?"
    r"|the template engine|what the limiter replaces|\bwe used to\b",
    re.IGNORECASE,
)
FUZZER_SEED = re.compile(r'"--seed"')


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_the_project_speaks_of_itself_not_of_the_templates_history(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)

    mentions = [
        f"{path.relative_to(project)}:{number}: {line.strip()}"
        for path in project_files(project)
        if "__pycache__" not in path.parts
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if HISTORY.search(FUZZER_SEED.sub("", line))
    ]

    assert mentions == []


def test_no_build_metadata_is_committed_and_git_ignores_it() -> None:
    tracked = ok(run(["git", "ls-files"], cwd=TEMPLATE)).split("\n")

    assert [path for path in tracked if ".egg-info" in path] == []
    assert run(["git", "check-ignore", "-q", "any.egg-info/PKG-INFO"], cwd=TEMPLATE).returncode == 0


CURRENT_PYTHON = "3.13"


def test_the_image_runs_a_current_python_and_ci_also_the_lowest_supported(
    baked: Callable[[Variant], Path],
) -> None:
    project = baked(DEFAULT)
    pyproject = (project / "pyproject.toml").read_text()
    floor = re.search(r'^requires-python = ">=(3\.\d+)"$', pyproject, re.M)
    assert floor is not None
    images = re.findall(r"^FROM python:(\S+)-slim", (project / "Dockerfile").read_text(), re.M)
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    setup = [
        step for step in workflow["jobs"]["test"]["steps"] if "setup-uv" in step.get("uses", "")
    ]
    image_uv = re.search(
        r"pip install --no-cache-dir uv==(\S+)", (project / "Dockerfile").read_text()
    )
    assert image_uv is not None

    assert images == [CURRENT_PYTHON, CURRENT_PYTHON]
    assert matrix == [floor.group(1), CURRENT_PYTHON]
    # The job runs in the matrix's Python (Debian, like the image), with the image's uv.
    assert workflow["jobs"]["test"]["container"] == "python:${{ matrix.python-version }}-bookworm"
    assert setup[0]["with"]["version"] == image_uv.group(1)
    # ruff judges the code by the lowest version it must run on; mypy by the one it runs on.
    assert not re.search(r"^python_version", pyproject, re.M)
    assert f'target-version = "py{floor.group(1).replace(".", "")}"' in pyproject
