"""The READMEs say what the template and each bake really have: every option, every system check,
and the first steps a newcomer takes."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.bakery import ALL_VARIANTS, DEFAULT, TEMPLATE, Variant, ok, option_defaults, run

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


def registered_check_ids(project: Path) -> set[str]:
    """The IDs the code gives its system checks (Error/Warning(..., id=...))."""
    ids = set()
    for path in (project / project.name).rglob("*.py"):
        if "tests" not in path.parts:
            ids |= set(re.findall(r'id=f?"(?:\{SLUG\}|\w+)\.([EW]\d{3})"', path.read_text()))
    return ids


def readme_check_ids(project: Path) -> set[str]:
    """The IDs in the README's system checks table (errors `E...`, warnings `W...`), `E015`-`E017`
    ranges expanded."""
    readme = (project / "README.md").read_text()
    table = readme.split("### System checks\n", 1)[1].split("\n\n", 1)[0]
    ids = set()
    for level, first, last in re.findall(r"\.([EW])(\d{3})`(?:-`[EW](\d{3})`)?", table):
        ids |= {f"{level}{number:03d}" for number in range(int(first), int(last or first) + 1)}
    return ids


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=VARIANT_IDS)
def test_the_readme_lists_the_system_checks_the_code_registers(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)

    assert len(registered_check_ids(project)) >= 10, "the check IDs are no longer found"
    assert readme_check_ids(project) == registered_check_ids(project)


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


def test_the_readme_names_the_services_the_compose_tier_waits_for(
    baked: Callable[[Variant], Path],
) -> None:
    """The Docker section's account of the compose tier (tests/test_compose_tier.py) names every
    health-checked service the default production file starts, and no other."""
    project = baked(DEFAULT)
    readme = (project / "README.md").read_text()
    named = re.search(r"every service with a health check\s+\(([^)]*)\)", readme)
    assert named, "the README no longer says which services became healthy"
    services = yaml.safe_load((project / "docker-compose.prod.yml").read_text())["services"]
    checked = {
        name
        for name, service in services.items()
        if "healthcheck" in service and not service.get("profiles")
    }

    assert set(re.split(r",\s*", named.group(1))) == checked
