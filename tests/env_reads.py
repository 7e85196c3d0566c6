"""Where a baked project reads its environment, found in the syntax tree rather than by one call
shape: `env.int(\n"NAME"`, `env("NAME")`, `env_str_renamed("NEW", old_name="OLD", ...)` (the
current name; the old one is documented in the README's Changes), `os.environ["NAME"]`,
`os.environ.get("NAME")`, `os.getenv("NAME")`, `"NAME" in os.environ` all count."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

# The project's tests, its test harness and its benchmarks drive the project from outside: they
# build the environment of the processes they start, which is not the project reading it.
NOT_PROJECT_CODE = {"tests", "testing", "benchmarks", ".venv"}
# The one environment reader: its helpers take variable names as arguments.
READER = Path("config") / "env.py"
# Django's own convention, kept in manage.py, asgi.py, wsgi.py and celery.py: which settings to
# load has to be known before any settings (and so before the reader's settings) exist.
SETTINGS_MODULE_DEFAULT = "DJANGO_SETTINGS_MODULE"
OS_READERS = {"environ", "getenv", "getenvb", "environb"}


@dataclass
class EnvReads:
    names: set[str] = field(default_factory=set)
    # "path:line what" for reads whose variable name is not written out (so cannot be checked).
    unnamed: list[str] = field(default_factory=list)
    # "path:line" for os.environ / os.getenv used outside the reader.
    direct: list[str] = field(default_factory=list)


def project_modules(project: Path, *, with_harness: bool = False) -> list[Path]:
    left_out = {".venv"} if with_harness else NOT_PROJECT_CODE
    return sorted(
        path
        for path in project.rglob("*.py")
        if not left_out & set(path.relative_to(project).parts)
        and (with_harness or path.name != "conftest.py")
    )


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _names(node: ast.expr | None) -> list[str] | None:
    """The variable name(s) `node` spells out: a string, or a tuple/list of strings."""
    if (name := _string(node)) is not None:
        return [name]
    if isinstance(node, ast.Tuple | ast.List):
        names = [_string(element) for element in node.elts]
        return None if None in names else [name for name in names if name is not None]
    return None


def _is_os(node: ast.AST, *attrs: str) -> bool:
    """`node` is os.<one of attrs>."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in attrs
    )


def _first_argument(call: ast.Call, keyword: str) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((kw.value for kw in call.keywords if kw.arg == keyword), None)


def _read_target(node: ast.AST) -> tuple[str, ast.expr | None] | None:
    """(how, the name argument) when `node` reads an environment variable."""
    if isinstance(node, ast.Subscript) and _is_os(node.value, "environ"):
        return "os.environ[]", node.slice
    if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
        if _is_os(node.comparators[0], "environ"):
            return "in os.environ", node.left
        return None
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id in {"env", "env_str_renamed"}:
        return f"{func.id}()", _first_argument(node, "var")
    if (isinstance(func, ast.Name) and func.id == "getenv") or _is_os(func, "getenv"):
        return "os.getenv()", _first_argument(node, "key")
    if not isinstance(func, ast.Attribute):
        return None
    if isinstance(func.value, ast.Name) and func.value.id == "env" and func.attr != "read_env":
        return f"env.{func.attr}()", _first_argument(node, "var")
    if func.attr in {"get", "setdefault", "pop"} and _is_os(func.value, "environ"):
        return f"os.environ.{func.attr}()", _first_argument(node, "key")
    return None


def env_reads(project: Path, *, with_harness: bool = False) -> EnvReads:
    """The project's reads; `with_harness` adds its tests', harness's and benchmarks'."""
    reads = EnvReads()
    for path in project_modules(project, with_harness=with_harness):
        relative = path.relative_to(project)
        tree = ast.parse(path.read_text(), filename=str(relative))
        allowed_os: set[int] = set()
        for node in ast.walk(tree):
            target = _read_target(node)
            if target is None:
                continue
            how, argument = target
            names = _names(argument)
            if names is None:
                if relative != READER:
                    reads.unnamed.append(f"{relative}:{getattr(node, 'lineno', '?')} {how}")
                continue
            reads.names.update(names)
            if (
                how == "os.environ.setdefault()"
                and names == [SETTINGS_MODULE_DEFAULT]
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
            ):
                allowed_os.add(id(node.func.value))
        if relative == READER:
            continue
        for node in ast.walk(tree):
            direct = _is_os(node, *OS_READERS) and id(node) not in allowed_os
            imported = (
                isinstance(node, ast.ImportFrom)
                and node.module == "os"
                and any(alias.name in OS_READERS for alias in node.names)
            )
            if direct or imported:
                reads.direct.append(f"{relative}:{getattr(node, 'lineno', '?')}")
    return reads


# What the compose files, the Caddyfile, the Dockerfile and the Makefile read: `${NAME}`,
# `${NAME:-default}`, `$$NAME` (the container's shell), Caddy's `{$NAME}`, make's `$(NAME)`.
CONFIG_FILES = (
    "docker-compose.yml",
    "docker-compose.prod.yml",
    "deploy/swarm/stack.yml",
    "Caddyfile",
    "Dockerfile",
    "Makefile",
)
CONFIG_READ = re.compile(
    r"\$\{([A-Z_][A-Z0-9_]*)|\$\$\{?([A-Z_][A-Z0-9_]*)|\{\$([A-Z_][A-Z0-9_]*)|\$\(([A-Z_][A-Z0-9_]*)\)"
)
# make's own variables, and the Makefile's internal ones (`NAME :=`): a `?=` one is the user's.
MAKE_OWN = {"MAKE", "CURDIR", "MAKEFLAGS"}
MAKE_INTERNAL = re.compile(r"^([A-Z_][A-Z0-9_]*) :?=", re.M)
# A variable set in a command of a code block: `REDIS_SENTINELS=... `, `make x PORT=8001`.
ASSIGNED = re.compile(r"(?<![\w$-])([A-Z][A-Z0-9_]{2,})=")
CODE_BLOCK = re.compile(r"^```.*?^```", re.M | re.S)
DOCKER_ARG = re.compile(r"^ARG ([A-Z_][A-Z0-9_]*)", re.M)
ALL_CAPS = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b")


def config_reads(project: Path) -> set[str]:
    """The variables the project's configuration files read."""
    names: set[str] = set()
    for name in CONFIG_FILES:
        if (project / name).is_file():
            text = (project / name).read_text()
            found = {
                next(group for group in m.groups() if group) for m in CONFIG_READ.finditer(text)
            }
            if name == "Dockerfile":
                found |= set(DOCKER_ARG.findall(text))
            if name == "Makefile":
                found -= MAKE_OWN | set(MAKE_INTERNAL.findall(text))
            names |= found
    return names


def variables_read(project: Path) -> set[str]:
    """Every variable the bake reads: its code, its harness, tests and benchmarks, its
    configuration files."""
    return env_reads(project, with_harness=True).names | config_reads(project)


def variables_documented(project: Path, *, known: set[str]) -> set[str]:
    """The variables .env.example sets and the README, docs/ or .env.example name: any that
    `known` (every variable of every option) holds, and any written as an assignment
    (`NAME=...`)."""
    env_example = (project / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", env_example, re.M))
    pages = [project / "README.md", *sorted((project / "docs").glob("*.md"))]
    readme = "\n".join(page.read_text() for page in pages)
    for text in (env_example, readme):
        documented |= set(ALL_CAPS.findall(text)) & known
    for block in CODE_BLOCK.findall(readme):
        documented |= set(ASSIGNED.findall(block))
    return documented
