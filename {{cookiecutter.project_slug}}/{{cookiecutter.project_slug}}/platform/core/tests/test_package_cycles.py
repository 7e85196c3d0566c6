"""No import cycles between the platform's packages, whatever their layers: each can be read, and
deleted, from the bottom up (pyproject.toml's import-linter contracts say which way is down)."""

from collections.abc import Mapping

import grimp

PLATFORM = "{{ cookiecutter.project_slug }}.platform"


def _package_of(module: str, packages: set[str]) -> str | None:
    return next((p for p in packages if module == p or module.startswith(f"{p}.")), None)


def platform_package_imports() -> dict[str, set[str]]:
    """Which platform packages each one imports, from its code (its tests may import any)."""
    graph = grimp.build_graph(PLATFORM.partition(".")[0])
    packages = graph.find_children(PLATFORM)
    imports: dict[str, set[str]] = {package: set() for package in packages}
    for module in graph.modules:
        importer = _package_of(module, packages)
        if importer is None or "tests" in module.split("."):
            continue
        for imported_module in graph.find_modules_directly_imported_by(module):
            imported = _package_of(imported_module, packages)
            if imported is not None and imported != importer:
                imports[importer].add(imported)
    return imports


def cycles(imports: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """Each pair of packages (a, b), a < b, where a reaches b and b reaches a through imports."""

    def reachable(start: str) -> set[str]:
        seen, todo = set(), list(imports.get(start, ()))
        while todo:
            package = todo.pop()
            if package not in seen:
                seen.add(package)
                todo.extend(imports.get(package, ()))
        return seen

    reach = {package: reachable(package) for package in imports}
    return sorted((a, b) for a in reach for b in reach[a] if a < b and a in reach.get(b, set()))


def test_the_cycle_finder_finds_an_indirect_cycle() -> None:
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(imports) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_the_platform_packages_import_each_other_without_cycles() -> None:
    imports = platform_package_imports()

    assert f"{PLATFORM}.core" in imports, "the platform's packages are no longer found"
    # Observability is the bottom layer: core may report through it, and it stands on nothing.
    assert imports[f"{PLATFORM}.core"] <= {f"{PLATFORM}.observability"}, "core imports a feature"
    assert imports[f"{PLATFORM}.observability"] == set()
    assert cycles(imports) == []
