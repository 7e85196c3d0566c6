"""Baking projects from the template and running commands in them."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
COOKIECUTTER_JSON = json.loads((TEMPLATE / "cookiecutter.json").read_text())
TOOLS = Path(sys.executable).parent  # the template's venv: ruff, uv, cookiecutter

POSTGRES = os.environ.get("TEMPLATE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class Variant:
    name: str
    answers: dict[str, str] = field(default_factory=dict)


def option_values() -> dict[str, list[str]]:
    """Every y/n and choice option of cookiecutter.json with its values, the default first."""
    choices: dict[str, list[str]] = COOKIECUTTER_JSON["_choices"]
    values = {}
    for name, value in COOKIECUTTER_JSON.items():
        if name in choices:
            values[name] = choices[name]
        elif value in ("y", "n"):
            values[name] = [value, "n" if value == "y" else "y"]
    return values


def option_defaults() -> dict[str, str]:
    """The default answer of every choice and y/n option in cookiecutter.json."""
    return {name: values[0] for name, values in option_values().items()}


def single_flip_variants() -> list[Variant]:
    """One variant per non-default value of every option: adding an option adds its rows."""
    return [
        Variant(f"{name}={other}", {name: other})
        for name, values in option_values().items()
        for other in values[1:]
    ]


def minimal_variant() -> Variant:
    """Every optional feature off: the last choice of each list, 'n' for each y/n option."""
    return Variant(
        "minimal",
        {
            name: "n" if set(values) == {"y", "n"} else values[-1]
            for name, values in option_values().items()
        },
    )


DEFAULT = Variant("default")
MINIMAL = minimal_variant()
ALL_VARIANTS = [DEFAULT, *single_flip_variants(), MINIMAL]
# Every y/n option on: a bake with every file any option adds.
EVERYTHING_ON = Variant(
    "everything-on", {name: "y" for name, value in COOKIECUTTER_JSON.items() if value in ("y", "n")}
)


def bake(variant: Variant, output_dir: Path) -> Path:
    """Generate `variant` into `output_dir` and return the project's directory."""
    project = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context=variant.answers,
        output_dir=str(output_dir),
    )
    return Path(project)


def pre_gen_hook() -> ModuleType:
    """The pre-generation hook as a module: its rules, without rendering it."""
    path = TEMPLATE / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("pre_gen_project", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def database_url(variant: Variant) -> str:
    """Each bake gets its own database: generated suites may run side by side."""
    safe = "".join(ch if ch.isalnum() else "_" for ch in variant.name.lower())
    return f"{POSTGRES}/tpl_{safe}"[:120]


def run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    path = f"{TOOLS}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, "PATH": path, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a command that must have succeeded; its output is the failure message."""
    output = f"$ {' '.join(result.args)}\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, output
    return output


def env_names(path: Path) -> set[str]:
    """The variables an env file sets or documents (`NAME=` or `# NAME=`)."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", path.read_text(), re.M))


def env_values(path: Path) -> dict[str, str]:
    """The variables an env file sets, with their values (comments left out)."""
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {key: value for key, value in pairs}
