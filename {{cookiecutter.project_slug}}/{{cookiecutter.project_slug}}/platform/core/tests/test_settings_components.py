"""The settings components (config/settings/components/) hold settings only: base.py star-imports
each of them, in any order, and gets settings and nothing else."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR

COMPONENTS_DIR = PROJECT_DIR / "config" / "settings" / "components"
COMPONENTS = sorted(
    f"config.settings.components.{module.name}"
    for module in pkgutil.iter_modules([str(COMPONENTS_DIR)])
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("component", COMPONENTS)
def test_a_component_exports_settings_and_nothing_else(component: str) -> None:
    importlib.import_module(component)
    namespace: dict[str, object] = {}

    exec(f"from {component} import *", namespace)  # noqa: S102  (what base.py does)

    exported = set(namespace) - {"__builtins__"}
    assert exported, f"{component} exports no settings"
    assert {name for name in exported if not name.isupper()} == set()


@pytest.mark.parametrize("component", COMPONENTS)
def test_a_component_imports_no_other_settings_module(component: str) -> None:
    path = COMPONENTS_DIR / f"{component.rpartition('.')[2]}.py"

    imported = imported_modules(path)

    # What a component shares with another is read from the environment by both (config/env.py),
    # so their order in base.py does not matter.
    assert {name for name in imported if name.startswith("config.settings")} == set()


def test_no_code_outside_the_settings_imports_them() -> None:
    # Settings are read through django.conf.settings; builders live with the code that owns them
    # (e.g. core/redis_config.py), so nothing needs a settings module itself.
    modules = [*PROJECT_DIR.glob("*.py")]
    for code_dir in ("config", "{{ cookiecutter.project_slug }}", "benchmarks"):
        modules += (PROJECT_DIR / code_dir).rglob("*.py")
    outside = [p for p in modules if "settings" not in p.relative_to(PROJECT_DIR).parts[:-1]]

    importers = [
        str(path.relative_to(PROJECT_DIR))
        for path in outside
        if any(name.startswith("config.settings") for name in imported_modules(path))
    ]

    assert importers == []
