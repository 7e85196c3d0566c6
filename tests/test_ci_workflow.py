"""The generated GitHub workflow, run here: the job's steps in order, natively, in a fresh clone
of the baked project after its user ran `make install` and committed (uv.lock included).

What stands in for what on this machine (Debian bookworm, like the job's container image):

- the container `python:<matrix version>-bookworm`: a PATH of one directory of links to this
  machine's programs, leaving out those of the packages the job must install itself (redis-server,
  Chromium, Caddy) or that its image lacks (Postgres clients, other Pythons), with `python3` the
  matrix's Python. The matrix is not expanded: the default bake runs on the newest of its versions
  installed here and the minimal bake on the oldest (the running Python, 3.11, when none is);
- `uses:` steps: USES below (checkout: a clone of the committed bake; setup-uv: the template
  venv's uv on the PATH); any other action fails the test until it gets a stand-in;
- services: their host names become 127.0.0.1, where this machine's Postgres and Redis answer;
  each run gets a database of its own (the generated suite prefixes its Redis keys per run);
- apt-get: the real one, as root as in the container, except that it upgrades nothing already
  installed (others use this machine) and links the programs of what it installed onto the PATH,
  as installing them into /usr/bin does in the container.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bakery import DEFAULT, MINIMAL, POSTGRES, TOOLS, Variant, ok, run

# The minimal bake with the workflow: minimal answers "none" to `ci`.
MINIMAL_WITH_CI = Variant("minimal-ci", {**MINIMAL.answers, "ci": "github"})

# Programs the job must install before the system tier, and never has before.
SYSTEM_TIER_PROGRAMS = (
    *("redis-server", "redis-sentinel", "chromium", "chromium-browser", "caddy", "pgbouncer"),
)
# Debian packages whose programs the job's image does not have: what the job installs itself,
# and this machine's own services' clients.
LEFT_OUT_PACKAGES = ("redis*", "chromium*", "caddy", "pgbouncer", "postgresql*", "nodejs", "npm")
# Debian's own program directories; the image's /usr/local/bin holds only its Python.
SYSTEM_DIRS = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")
STEP_TIMEOUT = 900
# How this machine reaches the package index (CA bundles, proxies, uv's and pip's own settings):
# passed to the steps as they are, being this machine's and not the job's.
NETWORK_SETTINGS = re.compile(r"(CERT|CA_BUNDLE|PROXY|^SSL_|^UV_|^PIP_)", re.IGNORECASE)

APT_GET = f"""#!{sys.executable}
# apt-get as the job's container has it (see tests/test_ci_workflow.py).
import os, subprocess, sys
from pathlib import Path

args = sys.argv[1:]
lock = ["-o", "DPkg::Lock::Timeout=300"]
if "install" not in args:
    os.execv("/usr/bin/apt-get", ["apt-get", *lock, *args])
subprocess.run(["/usr/bin/apt-get", *lock, "--no-upgrade", *args], check=True)
packages = [arg for arg in args[args.index("install") + 1 :] if not arg.startswith("-")]
depends = subprocess.run(
    ["dpkg-query", "-W", "-f", "${{Depends}},", *packages], capture_output=True, text=True
).stdout
alternatives = depends.replace("|", ",").split(",")
packages += [name.split()[0].split(":")[0] for name in alternatives if name.strip()]
listed = subprocess.run(["dpkg", "-L", *packages], capture_output=True, text=True).stdout
for path in map(Path, listed.split()):
    if path.parent.name in ("bin", "sbin") and os.access(path, os.X_OK) and not path.is_dir():
        link = Path(__file__).parent / path.name
        if not link.exists():
            link.symlink_to(path)
"""


@dataclass
class Job:
    """One job's run: its workspace, the PATH directory its steps see, and its environment."""

    workspace: Path
    bin: Path
    env: dict[str, str]
    committed: Path  # the user's repository, as actions/checkout clones it
    log: list[str] = field(default_factory=list)

    def path_has(self, *programs: str) -> list[str]:
        return [name for name in programs if (self.bin / name).exists()]


def checkout(job: Job, _with: dict[str, Any]) -> None:
    ok(run(["git", "clone", "--quiet", str(job.committed), str(job.workspace)], cwd=job.bin))


def setup_uv(job: Job, _with: dict[str, Any]) -> None:
    for name in ("uv", "uvx"):
        (job.bin / name).symlink_to(TOOLS / name)


USES: dict[str, Callable[[Job, dict[str, Any]], None]] = {
    "actions/checkout": checkout,
    "astral-sh/setup-uv": setup_uv,
}


def installed_python(version: str) -> Path | None:
    """This machine's interpreter of `version`, if it has one (on the PATH or under pyenv)."""
    candidates = [f"python{version}"]
    candidates += sorted(map(str, Path.home().glob(f".pyenv/versions/{version}.*/bin/python3")))
    for candidate in candidates:
        probe = run([candidate, "-c", "import sys; print(sys.executable)"], cwd=Path.home())
        if probe.returncode == 0:
            return Path(probe.stdout.strip())
    return None


def job_python(matrix: list[str], newest: bool) -> Path:
    found = [python for version in matrix if (python := installed_python(version))]
    if not found:
        print(f"None of the matrix's Pythons {matrix} is installed: running {sys.version}")
        return Path(sys.executable).resolve()
    return found[-1] if newest else found[0]


def left_out_programs() -> set[str]:
    query = ["dpkg-query", "-W", "-f", "${Package}\n", *LEFT_OUT_PACKAGES]
    packages = run(query, cwd=Path("/")).stdout.split()
    listed = run(["dpkg", "-L", *packages], cwd=Path("/")).stdout.split()
    programs = {Path(path).name for path in listed if Path(path).parent.name in ("bin", "sbin")}
    return programs | set(SYSTEM_TIER_PROGRAMS)


def job_bin(directory: Path, python: Path) -> Path:
    """The PATH directory: the job's Python, apt-get, and this machine's other basic programs."""
    directory.mkdir()
    version = run([str(python), "-c", "import sys; print(sys.version[:4])"], cwd=directory)
    for name in ("python", "python3", f"python{version.stdout.strip()}"):
        (directory / name).symlink_to(python)
    (directory / "apt-get").write_text(APT_GET)
    (directory / "apt-get").chmod(0o755)
    left_out = left_out_programs()
    for folder in map(Path, SYSTEM_DIRS):
        for program in sorted(folder.iterdir()) if folder.is_dir() else ():
            link = directory / program.name
            other_python = re.match(r"(python|pip|pydoc|idle)[\d.-]*(-config)?$", program.name)
            if program.name in left_out or other_python or link.exists():
                continue
            if os.access(program, os.X_OK) and not program.is_dir():
                link.symlink_to(program)
    return directory


def job_env(job: dict[str, Any], variant: Variant) -> tuple[dict[str, str], str]:
    """The job's `env:` with service host names pointing here, and the database it names."""
    images = {name: service["image"].split(":")[0] for name, service in job["services"].items()}
    assert set(images.values()) <= {"postgres", "redis"}, f"no stand-in for services {images}"
    database = f"tpl_ci_{variant.name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    env = {}
    for name, value in job["env"].items():
        for service in images:
            value = re.sub(rf"(?<=[@/]){service}(?=:\d+)", "127.0.0.1", str(value))
        if value.startswith("postgres://"):
            value = f"{POSTGRES}/{database}"
        env[name] = value
    return env, database


def expand(text: str, matrix: dict[str, str]) -> str:
    """`${{ matrix.NAME }}` filled in; any other expression has no stand-in here."""
    text = re.sub(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}", lambda m: matrix[m.group(1)], text)
    assert "${{" not in text, f"no stand-in for the expression in {text!r}"
    return text


def run_step(job: Job, step: dict[str, Any], matrix: dict[str, str]) -> str:
    """One `run:` step as GitHub runs it (bash -e), with $GITHUB_ENV and $GITHUB_PATH honoured."""
    env = {**job.env, **{name: expand(str(v), matrix) for name, v in step.get("env", {}).items()}}
    script = job.bin.parent / "step.sh"
    script.write_text(expand(step["run"], matrix))
    started = time.monotonic()
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", str(script)],
        cwd=job.workspace / step.get("working-directory", "."),
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    job.log.append(f"{time.monotonic() - started:5.0f} s  {step.get('name', step['run'])}")
    for line in Path(env["GITHUB_ENV"]).read_text().splitlines():
        name, _, value = line.partition("=")
        job.env[name] = value
    extra_path = Path(env["GITHUB_PATH"]).read_text().split()
    job.env["PATH"] = os.pathsep.join([*reversed(extra_path), str(job.bin)])
    output = f"$ {step['run']}\n{result.stdout}\n{result.stderr}"
    # A step that may fail (continue-on-error) only reports; GitHub goes on to the next.
    assert result.returncode == 0 or step.get("continue-on-error") is True, output
    return output


def committed_bake(project: Path, directory: Path) -> Path:
    """The user's repository after `make install` and `git add -A && git commit` in the bake."""
    ok(run(["make", "install"], cwd=project))
    assert (project / "uv.lock").is_file()
    repository = directory / "repository.git"
    ok(run(["git", "init", "--quiet", "--bare", str(repository)], cwd=directory))
    git = ["git", f"--git-dir={repository}", f"--work-tree={project}"]
    ok(run([*git, "add", "-A"], cwd=project))
    identity = ["-c", "user.name=Template Test", "-c", "user.email=test@example.com"]
    ok(run([*git, *identity, "commit", "--quiet", "-m", "Generated"], cwd=project))
    return repository


def drop_databases(database: str) -> None:
    for name in (database, f"test_{database}"):
        dropdb = ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name]
        ok(run(dropdb, cwd=Path("/")))


def check_tests_output(step: dict[str, Any], output: str) -> None:
    if any(command in step["run"] for command in ("pytest", "make test", "make coverage")):
        assert " passed" in output, output
        assert " failed" not in output, output
        # pytest's count; coverage's report also says how many fully covered files it skipped.
        assert not re.search(r"\b\d+ skipped\b", output), output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variant", "newest_python"),
    [
        # Not in the default bake's xdist group: the job installs into a workspace of its own, and
        # the longest job in this suite runs beside that group's tests rather than after them.
        pytest.param(DEFAULT, True, id="default"),
        pytest.param(MINIMAL_WITH_CI, False, id="minimal"),
    ],
)
def test_the_generated_ci_workflow_passes_when_run_here(
    baked: Callable[[Variant], Path], tmp_path: Path, variant: Variant, newest_python: bool
) -> None:
    assert os.geteuid() == 0, "the job's apt-get step runs for real: run the template tests as root"
    project = baked(variant)
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    [(job_name, definition)] = workflow["jobs"].items()
    matrix_versions = definition["strategy"]["matrix"]["python-version"]
    python = job_python(matrix_versions, newest_python)
    version = run([str(python), "-c", "import sys; print(sys.version[:4])"], cwd=tmp_path)
    matrix = {"python-version": version.stdout.strip()}
    assert expand(definition["container"], matrix) == f"python:{matrix['python-version']}-bookworm"
    env, database = job_env(definition, variant)
    for name in ("GITHUB_ENV", "GITHUB_PATH"):
        (tmp_path / name).touch()
        env[name] = str(tmp_path / name)
    bin_dir = job_bin(tmp_path / "bin", python)
    job = Job(
        workspace=tmp_path / "workspace",
        bin=bin_dir,
        env={
            "HOME": str(Path.home()),
            "LANG": "C.UTF-8",
            "CI": "true",
            "PATH": str(bin_dir),
            **env,
        },
        committed=committed_bake(project, tmp_path),
    )
    job.env["GITHUB_WORKSPACE"] = str(job.workspace)
    job.env.update({k: v for k, v in os.environ.items() if NETWORK_SETTINGS.search(k)})
    assert job.path_has(*SYSTEM_TIER_PROGRAMS, "psql", "uv", "pip") == []

    outputs: dict[str, tuple[list[str], str]] = {}
    try:
        for step in definition["steps"]:
            if "uses" in step:
                action = step["uses"].split("@")[0]
                assert action in USES, f"no stand-in for `uses: {step['uses']}`: add one to USES"
                USES[action](job, step.get("with", {}))
                continue
            on_path = job.path_has("redis-server", "chromium", "caddy", "pgbouncer")
            outputs[step["run"]] = (on_path, run_step(job, step, matrix))
            check_tests_output(step, outputs[step["run"]][1])
    finally:
        print(f"{job_name} on Python {matrix['python-version']}:", *job.log, sep="\n  ")
        drop_databases(database)

    # The fast tier ran before redis-server and Chromium were installed; the system tier after,
    # once the job's own step had put them on the PATH.
    on_path_for_fast, fast = outputs["make coverage"]
    assert on_path_for_fast == []
    assert " deselected" in fast
    assert re.search(r"^TOTAL\s.*\s\d+%$", fast, re.M), "make coverage printed no total"
    [system] = [command for command in outputs if "-m system" in command]
    assert outputs[system][0] == ["redis-server", "chromium", "caddy", "pgbouncer"]
    # The lock is checked before anything is installed from it.
    commands = list(outputs)
    assert commands.index("make check-lock") < commands.index("make install")
