"""`make app NAME=<name>`: a product app in the house style, wired into the project.

The app's files are app_template/*.py-tpl, rendered with string.Template ($app, $Model, ...).
Every check runs and every file is rendered in memory before the first write, so a refused name
leaves the project as it was; a failing makemigrations undoes the writes.
"""

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

from {{ cookiecutter.project_slug }}.platform.core.scaffold.names import (
    AppNames,
    ScaffoldError,
    app_names,
    name_problem,
)

PROJECT_PACKAGE = __name__.split(".")[0]
TEMPLATE_DIR = Path(__file__).resolve().parent / "app_template"
# <project>/<package>/platform/core/scaffold/app.py
PACKAGE_DIR = Path(__file__).resolve().parents[3]
TEMPLATE_SUFFIX = "-tpl"

# Lines the scaffolder inserts new apps above, one in each file it wires the app into.
URLS_MARKER = "# make app: new apps' URLs go above this line"
SETTINGS_MARKER = "# make app: new apps go above this line"
LAYERS_MARKER = "# make app: new apps join the product layer above"


@dataclass(frozen=True)
class Scaffold:
    app_dir: Path
    files: dict[Path, str]  # the app's files by path, rendered
    edits: dict[Path, str]  # the project's files the app is wired into, edited


def project_dir() -> Path:
    return PACKAGE_DIR.parent


def package_dir() -> Path:
    return PACKAGE_DIR


def rendered_files(names: AppNames, app_dir: Path) -> dict[Path, str]:
    substitutions = names.substitutions(PROJECT_PACKAGE)
    files = {}
    for source in sorted(TEMPLATE_DIR.rglob(f"*.py{TEMPLATE_SUFFIX}")):
        relative = source.relative_to(TEMPLATE_DIR)
        target = app_dir / relative.parent / relative.name.removesuffix(TEMPLATE_SUFFIX)
        files[target] = Template(source.read_text()).substitute(substitutions)
    return files


def insert_above(text: str, marker: str, new_line: str, *, where: Path) -> str:
    """`text` with `new_line` above the line holding `marker`, indented like it."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if marker in line:
            indent = line[: len(line) - len(line.lstrip())]
            lines.insert(index, f"{indent}{new_line}\n")
            return "".join(lines)
    raise ScaffoldError(f"{where} has no line with {marker!r}: put it back where new apps go.")


def join_product_layer(text: str, app: str, *, where: Path) -> str:
    """The import contract with `app` in the product layer above the marker: independent of the
    other product apps, optional like them (a product app may be deleted)."""
    lines = text.splitlines(keepends=True)
    marker = next((i for i, line in enumerate(lines) if LAYERS_MARKER in line), None)
    if marker is None:
        raise ScaffoldError(f"{where} has no line with {LAYERS_MARKER!r}: put it back.")
    above = lines[marker - 1].strip()
    if above.startswith('"(') and above.endswith('",'):
        lines[marker - 1] = lines[marker - 1].replace('",', f' | ({app})",', 1)
        return "".join(lines)
    return insert_above(text, LAYERS_MARKER, f'"({app})",', where=where)


def wiring_edits(app: str) -> dict[Path, str]:
    module = f"{PROJECT_PACKAGE}.{app}"
    urls = project_dir() / "config" / "urls.py"
    base = project_dir() / "config" / "settings" / "base.py"
    pyproject = project_dir() / "pyproject.toml"
    url_line = f'path("api/{app}/", include("{module}.urls")),'
    return {
        urls: insert_above(urls.read_text(), URLS_MARKER, url_line, where=urls),
        base: insert_above(base.read_text(), SETTINGS_MARKER, f'"{module}",', where=base),
        pyproject: join_product_layer(pyproject.read_text(), app, where=pyproject),
    }


def plan(name: str, model: str | None = None) -> Scaffold:
    """Everything `make app` would write, or a ScaffoldError saying why not."""
    problem = name_problem(name, package_dir())
    if problem is not None:
        raise ScaffoldError(problem)
    names = app_names(name, model)
    app_dir = package_dir() / name
    return Scaffold(app_dir, rendered_files(names, app_dir), wiring_edits(name))


def run_tool(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and tools, no shell)
        args, cwd=project_dir(), capture_output=True, text=True, check=False
    )


def make_migration(app: str) -> None:
    made = run_tool([sys.executable, "manage.py", "makemigrations", app, "--no-input"])
    if made.returncode != 0:
        raise ScaffoldError(f"makemigrations {app} failed:\n{made.stdout}{made.stderr}")


def format_app(scaffold: Scaffold) -> None:
    """Imports sorted and lines wrapped for the app's and the project's names, in the app and in
    the Python files it is wired into: `make lint` passes as generated, however long the names.
    Skipped where ruff is not installed (a production image)."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is not None:
        wired = [str(path) for path in scaffold.edits if path.suffix == ".py"]
        run_tool([ruff, "check", "--fix-only", "--quiet", str(scaffold.app_dir)])
        run_tool([ruff, "format", "--quiet", str(scaffold.app_dir), *wired])


def write(scaffold: Scaffold) -> None:
    originals = {path: path.read_text() for path in scaffold.edits}
    try:
        for path, text in scaffold.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for path, text in scaffold.edits.items():
            path.write_text(text)
        make_migration(scaffold.app_dir.name)
    except BaseException:
        shutil.rmtree(scaffold.app_dir, ignore_errors=True)
        for path, text in originals.items():
            path.write_text(text)
        raise
    format_app(scaffold)


def scaffold_app(name: str, model: str | None = None) -> Scaffold:
    """Creates app `name` (model `model`, by default its name made singular) and wires it in."""
    scaffold = plan(name, model)
    write(scaffold)
    return scaffold
