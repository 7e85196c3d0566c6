"""The READMEs say what the template and each bake really have: every option, every system check,
and the first steps a newcomer takes."""

import ast
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.bakery import (
    ALL_VARIANTS,
    DEFAULT,
    EVERYTHING_ON,
    TEMPLATE,
    Variant,
    ok,
    option_defaults,
    run,
)
from tests.references import (
    missing_links,
    missing_modules,
    missing_paths,
    missing_sections,
    readme_anchors,
)

VARIANT_IDS = [variant.name for variant in ALL_VARIANTS]


def test_the_template_readme_lists_every_option() -> None:
    readme = (TEMPLATE / "README.md").read_text()
    table = readme.split("## Options\n", 1)[1].split("\n\n", 1)[0]
    listed = set(
        re.findall(r"`([a-z_]+)`", " ".join(row.split("|")[1] for row in table.splitlines()[2:]))
    )
    from tests.bakery import COOKIECUTTER_JSON

    options = {name for name in COOKIECUTTER_JSON if not name.startswith("_")}

    assert options - listed == set()
    assert listed - options == set()


def python_floor(requires_python: str) -> str:
    floor = re.fullmatch(r">=(\d+\.\d+)", requires_python)
    assert floor, f"requires-python is no longer a plain floor: {requires_python}"
    return floor[1]


def test_the_template_readme_states_the_pythons_the_projects_and_tests_run_on(
    baked: Callable[[Variant], Path],
) -> None:
    """The generated project's floor is what its pyproject.toml admits and its CI's lowest Python;
    the template's own tests have theirs (the template's pyproject.toml)."""
    project = baked(DEFAULT)
    generated = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    template = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())["project"]
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    [job] = workflow["jobs"].values()
    tested = sorted(
        job["strategy"]["matrix"]["python-version"], key=lambda v: tuple(map(int, v.split(".")))
    )
    readme = (TEMPLATE / "README.md").read_text()
    set_up = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    bring_up = re.search(r"bring it up \(needs Python (\d+\.\d+)\+", set_up)
    own_tests = re.search(r"template's own tests \(Python (\d+\.\d+)\+", set_up)

    assert bring_up, "the Set-up section no longer names the generated project's Python"
    assert bring_up[1] == python_floor(generated["requires-python"]) == tested[0]
    assert own_tests, "the Set-up section no longer names the template tests' Python"
    assert own_tests[1] == python_floor(template["requires-python"])


def registered_check_ids(project: Path) -> set[str]:
    """The IDs the code gives its system checks (Error/Warning(..., id=check_id("E001")))."""
    ids = set()
    for path in (project / project.name).rglob("*.py"):
        if "tests" not in path.parts:
            ids |= set(re.findall(r'id=check_id\("([EW]\d{3})"\)', path.read_text()))
    return ids


def documented_check_ids(project: Path) -> set[str]:
    """The IDs in the Redis page's system checks table (errors `E...`, warnings `W...`),
    `E015`-`E017` ranges expanded."""
    page = (project / "docs" / "redis.md").read_text()
    table = page.split("## System checks\n", 1)[1].split("\n\n", 1)[0]
    ids = set()
    for level, first, last in re.findall(r"\.([EW])(\d{3})`(?:-`[EW](\d{3})`)?", table):
        ids |= {f"{level}{number:03d}" for number in range(int(first), int(last or first) + 1)}
    return ids


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_the_docs_list_the_system_checks_the_code_registers(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)

    assert len(registered_check_ids(project)) >= 10, "the check IDs are no longer found"
    assert documented_check_ids(project) == registered_check_ids(project)


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_the_readme_tells_a_newcomer_the_first_steps(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    readme = (project / "README.md").read_text()
    answers = {**option_defaults(), **variant.answers}

    assert "manage.py createsuperuser" in readme
    assert ("Supabase Auth" in readme) == (answers["use_supabase_auth"] == "y")
    assert "X-CSRFToken: $(awk" in readme
    assert ("reports `degraded`" in readme or '"status": "degraded"` (its `worker`' in readme) == (
        answers["use_celery"] == "y"
    )
    assert "make run PORT=" in readme
    assert "createdb" not in readme


def test_make_run_serves_on_the_port_it_is_given(baked: Callable[[Variant], Path]) -> None:
    project = baked(DEFAULT)

    default = ok(run(["make", "-n", "run"], cwd=project))
    other = ok(run(["make", "-n", "run", "PORT=8001"], cwd=project))

    assert "--port 8000" in default
    assert "--port 8001" in other


def test_the_docker_page_names_the_services_the_compose_tier_waits_for(
    baked: Callable[[Variant], Path],
) -> None:
    """The Docker page's account of the compose tier (tests/test_compose_tier.py) names every
    health-checked service the default production file starts, and no other."""
    project = baked(DEFAULT)
    page = (project / "docs" / "docker.md").read_text()
    named = re.search(r"every service with a health check\s+\(([^)]*)\)", page)
    assert named, "docs/docker.md no longer says which services became healthy"
    services = yaml.safe_load((project / "docker-compose.prod.yml").read_text())["services"]
    checked = {
        name
        for name, service in services.items()
        if "healthcheck" in service and not service.get("profiles")
    }

    assert set(re.split(r",\s*", named.group(1))) == checked


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_project_file_and_module_the_text_names_exists(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """README, comments, docstrings, the Makefile and the env files name only paths
    (`config/gunicorn_events.py`, `notes/cache.py`) and modules (`config.settings.production`)
    that this bake has: a left-out option's files are not described as present."""
    project = baked(variant)

    assert [str(found) for found in missing_paths(project)] == []
    assert [str(found) for found in missing_modules(project)] == []


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_section_reference_names_a_heading(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """`README: Your first app`, `docs/api.md: The contract`, `(see Rate limiting)` and the like,
    in any file, point at headings this README or docs page has."""
    project = baked(variant)

    assert [str(found) for found in missing_sections(project)] == []


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_every_link_of_the_readme_and_docs_resolves(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """`[Redis](docs/redis.md)`, `[the contract](api.md#the-contract-the-schema-is-the-truth)`:
    the file exists in this bake and the anchor is one its headings give (GitHub's and MkDocs'
    rule, the same for these headings)."""
    project = baked(variant)

    assert [str(found) for found in missing_links(project)] == []


README_MOST_WORDS = 2500


@pytest.mark.parametrize("variant", [DEFAULT, EVERYTHING_ON], ids=["default", "everything-on"])
def test_the_readme_is_a_guide_of_at_most_2500_words(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    """The guide stays short enough to read through; the reference lives in docs/."""
    words = len((baked(variant) / "README.md").read_text().split())

    assert 500 < words <= README_MOST_WORDS


def mkdocs_nav_pages(nav: list[object]) -> list[str]:
    """The page files of a MkDocs nav, sections flattened."""
    pages: list[str] = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += mkdocs_nav_pages(value) if isinstance(value, list) else [str(value)]
    return pages


@pytest.mark.parametrize("variant", [*ALL_VARIANTS, EVERYTHING_ON], ids=[*VARIANT_IDS, "all-on"])
def test_every_docs_page_is_in_the_mkdocs_nav_and_every_nav_entry_exists(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    nav = mkdocs_nav_pages(config["nav"])
    pages = sorted(path.name for path in (project / "docs").glob("*.md"))

    assert len(nav) == len(set(nav))
    assert sorted(nav) == pages


def test_github_anchors_follow_githubs_rules() -> None:
    readme = "# Title\n## Dependencies and uv.lock\n### `manage.py check_redis`\n## Title\n"

    assert readme_anchors(readme) == {
        "title",
        "dependencies-and-uvlock",
        "managepy-check_redis",
        "title-1",
    }


# Words that belong to one option: with the option off, no prose the user reads speaks of them.
OPTION_WORDS = {
    "use_supabase_auth": re.compile(r"\bBearer\b"),
    "use_realtime": re.compile(r"event stream|gunicorn_events|Server-Sent", re.IGNORECASE),
    "include_example": re.compile(r"\bnotes\b", re.IGNORECASE),
}
PROSE = ("README.md", ".env.example", "pyproject.toml", "Makefile", "mkdocs.yml", "config", "docs")


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_prose_speaks_only_of_the_chosen_options(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    answers = {**option_defaults(), **variant.answers}
    files = [
        path
        for name in PROSE
        for path in (
            [project / name]
            if (project / name).is_file()
            else [*(project / name).rglob("*.py"), *(project / name).rglob("*.md")]
        )
    ]

    mentions = [
        f"{path.relative_to(project)}:{number}: {line.strip()}"
        for option, words in OPTION_WORDS.items()
        if answers[option] == "n"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if words.search(line)
    ]

    assert mentions == []


def _registered_redis_role(node: ast.AST, caches: str) -> str | None:
    """The role a `register_redis_role("x", ...)` call adds, if the bake configures it: a role on
    a CACHES alias exists only where the settings define that alias."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "register_redis_role"
    ):
        return None
    aliases = [ast.literal_eval(k.value) for k in node.keywords if k.arg == "cache_alias"]
    if aliases and f'"{aliases[0]}": django_redis_cache' not in caches:
        return None
    return str(ast.literal_eval(node.args[0]))


def redis_roles_in_code(project: Path) -> set[str]:
    """The roles the platform builds clients for, which /api/health/ probes one by one: those
    redis_clients.py starts with, and those the platform's features register."""
    caches = (project / "config" / "settings" / "components" / "redis.py").read_text()
    roles: set[str] = set()
    for path in (project / project.name / "platform").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if path.name == "redis_clients.py" and isinstance(node, ast.Assign):
                names = [target.id for target in node.targets if isinstance(target, ast.Name)]
                if names[:1] in (["CACHE_ALIAS_ROLES"], ["URL_SETTING_ROLES"]):
                    roles |= set(ast.literal_eval(node.value))
            role = _registered_redis_role(node, caches)
            if role is not None:
                roles.add(role)
    return roles


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_the_redis_page_table_lists_the_roles_health_reports(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    page = (project / "docs" / "redis.md").read_text()
    table = page.split("# Redis\n", 1)[1].split("\n\n")[1]
    listed = {re.match(r"\| `(\w+)`", row).group(1) for row in table.splitlines()[2:]}  # type: ignore[union-attr]

    assert len(redis_roles_in_code(project)) >= 3, "the roles are no longer found"
    assert listed == redis_roles_in_code(project)
