"""uv.lock: baking ships none (locking needs the package index, baking works offline); the first
`make install` creates it, every install follows it (make install, the image's install step, CI),
and a pyproject.toml that disagrees with it is refused until `make lock`."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, MINIMAL, bake, ok, run

# The wheelhouse tests install natively: wheels for this machine's Python, not the image's.
WHEELS_FOR_THIS_PYTHON = f"WHEELS_PYTHON={sys.version_info.major}.{sys.version_info.minor}"

# What make says when the lock is missing or disagrees with pyproject.toml.
REFUSED = "uv.lock is missing or does not match pyproject.toml: run make lock and commit uv.lock."


def locked_versions(project: Path) -> dict[str, str]:
    lock = tomllib.loads((project / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"]}


def installed_django(python: Path) -> str:
    code = "import django; print(django.__version__)"
    return ok(run([str(python), "-c", code], cwd=python.parent)).split("\n")[1]


def image_install(project: Path, venv: Path) -> subprocess.CompletedProcess[str]:
    """The Dockerfile's dependency install (its RUN after `COPY pyproject.toml uv.lock*`), run
    natively into `venv`, with uv's cache (the image build skips it to stay small)."""
    dockerfile = (project / "Dockerfile").read_text()
    after_copy = r"^COPY pyproject\.toml uv\.lock\* \./\n(?:#.*\n)*RUN ((?:.*\\\n)*.*)"
    step = re.search(after_copy, dockerfile, re.M)
    assert step is not None, "the Dockerfile no longer copies the lock before installing"
    command = step.group(1).replace("/opt/venv", str(venv)).replace(" --no-cache", "")
    ok(run(["python3", "-m", "venv", str(venv)], cwd=project))
    return run(["sh", "-c", command], cwd=project, env={"INSTALL_DEV": "false"})


@pytest.mark.slow
def test_installs_follow_the_lock_and_refuse_one_that_disagrees(tmp_path: Path) -> None:
    project = bake(MINIMAL, tmp_path / "bake")
    assert not (project / "uv.lock").exists()
    missing = run(["make", "check-lock"], cwd=project)
    assert missing.returncode != 0
    assert REFUSED in missing.stderr

    created = ok(run(["make", "install"], cwd=project))
    assert "creating it (commit it)" in created
    ok(run(["make", "check-lock"], cwd=project))
    # Pinned below the newest release the range allows: the install follows the lock.
    ok(run(["uv", "lock", "--upgrade-package", "django==5.2.1"], cwd=project))
    ok(run(["make", "install"], cwd=project))
    assert locked_versions(project)["django"] == "5.2.1"
    assert installed_django(project / ".venv" / "bin" / "python") == "5.2.1"
    ok(image_install(project, tmp_path / "image-venv"))
    assert installed_django(tmp_path / "image-venv" / "bin" / "python") == "5.2.1"

    pyproject = project / "pyproject.toml"
    changed = pyproject.read_text().replace('"django>=5.2,<5.3"', '"django>=5.2.1,<5.3"')
    assert changed != pyproject.read_text()
    pyproject.write_text(changed)
    for target in ("check-lock", "install"):
        refused = run(["make", target], cwd=project)
        assert refused.returncode != 0, f"make {target} took a lock that disagrees"
        assert REFUSED in refused.stderr
    image = image_install(project, tmp_path / "image-venv-2")
    assert image.returncode != 0
    assert "needs to be updated" in image.stderr

    ok(run(["make", "lock"], cwd=project))
    ok(run(["make", "install"], cwd=project))
    assert locked_versions(project)["django"] == "5.2.1"  # `make lock` upgrades nothing
    assert 'specifier = ">=5.2.1,<5.3"' in (project / "uv.lock").read_text()


def test_without_uv_install_says_it_ignores_the_lock_and_lock_says_what_it_needs(
    tmp_path: Path,
) -> None:
    project = bake(MINIMAL, tmp_path)
    # The PATH without any directory holding uv (`make test` puts the template venv's first).
    folders = os.environ["PATH"].split(os.pathsep)
    without_uv = {"PATH": os.pathsep.join(f for f in folders if not (Path(f) / "uv").exists())}
    # As a user's top-level make: under the template's own `make test` a child make would print
    # its "Leaving directory" line last.
    without_uv |= {"MAKELEVEL": "0", "MAKEFLAGS": ""}
    assert run(["sh", "-c", "command -v uv"], cwd=project, env=without_uv).stdout == ""

    lock = run(["make", "lock"], cwd=project, env=without_uv)
    install = ok(run(["make", "--dry-run", "install"], cwd=project, env=without_uv))

    assert lock.returncode != 0
    assert "make lock needs uv" in lock.stderr
    assert "pip installs pyproject.toml's ranges, not the versions in uv.lock" in install
    assert 'pip install -e ".[dev]"' in install


# python3 for `make install` without uv: records its arguments instead of running them, and
# `-m venv DIR` makes DIR/bin/python (itself), so the fallback runs to its end without pip's
# downloads of the dev dependencies (minutes); what make prints around them is make's own.
RECORDING_PYTHON = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi
"""
INSTALL_UV = "curl -LsSf https://astral.sh/uv/install.sh | sh"


@pytest.mark.parametrize("committed_lock", [False, True], ids=["fresh-bake", "cloned-with-lock"])
def test_an_install_without_uv_ends_saying_what_it_did_not_do_and_how_to_install_uv(
    tmp_path: Path, committed_lock: bool
) -> None:
    project = bake(DEFAULT, tmp_path / "bake")
    if committed_lock:
        (project / "uv.lock").write_text("version = 1\n")
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    python.write_text(RECORDING_PYTHON)
    python.chmod(0o755)
    folders = [str(python.parent), *os.environ["PATH"].split(os.pathsep)]
    without_uv = {"PATH": os.pathsep.join(f for f in folders if not (Path(f) / "uv").exists())}
    # As a user's top-level make: under the template's own `make test` a child make would print
    # its "Leaving directory" line last.
    without_uv |= {"MAKELEVEL": "0", "MAKEFLAGS": ""}

    install = run(["make", "install"], cwd=project, env=without_uv)
    ok(install)

    last_line = install.stdout.rstrip().splitlines()[-1]  # stdout's: stderr scrolls by unread
    assert "-m venv .venv" in (tmp_path / "bin" / "calls.log").read_text()
    assert "-m pip install -e .[dev]" in (project / ".venv" / "bin" / "calls.log").read_text()
    assert INSTALL_UV in last_line
    if committed_lock:
        assert last_line.startswith("Installed pyproject.toml's newest allowed versions, not")
    else:
        assert last_line.startswith("No uv.lock was written (uv is not installed) and CI's first")
        assert not (project / "uv.lock").exists()
    readme = (project / "README.md").read_text()
    run_it = readme.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    assert "[uv](https://docs.astral.sh/uv/)" in run_it
    assert f"```bash\n{INSTALL_UV}\n```" in run_it


def wheelhouse_install(
    project: Path, venv: Path, install_dev: bool = False
) -> subprocess.CompletedProcess[str]:
    """The Dockerfile's WHEELS=true install (its RUN after `COPY wheels/ /wheels/`), run natively
    into `venv` from the project's wheels/ with no index: pip's own config (an extra index, extra
    wheel folders) is ignored, so the wheelhouse is the only source. `install_dev`: the build
    argument of the development image."""
    dockerfile = (project / "Dockerfile").read_text()
    after_copy = r"^COPY wheels/ /wheels/\n(?:#.*\n)*RUN ((?:.*\\\n)*.*)"
    step = re.search(after_copy, dockerfile, re.M)
    assert step is not None, "the Dockerfile no longer installs from the copied wheelhouse"
    command = step.group(1).replace("/wheels", str(project / "wheels"))
    command = command.replace("/opt/venv", str(venv))
    offline = {"WHEELS": "true", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
    offline["INSTALL_DEV"] = "true" if install_dev else "false"
    return run(["sh", "-c", command], cwd=project, env=offline)


@pytest.mark.slow
def test_make_wheels_fills_a_wheelhouse_the_image_installs_from_offline(tmp_path: Path) -> None:
    project = bake(MINIMAL, tmp_path / "bake")
    refused = wheelhouse_install(project, tmp_path / "no-wheels")
    assert refused.returncode != 0
    assert "run make wheels" in refused.stderr

    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "wheels", WHEELS_FOR_THIS_PYTHON], cwd=project))
    requirements = (project / "wheels" / "requirements.txt").read_text()
    assert f"django=={locked_versions(project)['django']}" in requirements
    assert "--hash=sha256:" in requirements
    # git keeps the folder (the Dockerfile copies it) but none of what make wheels put there.
    ok(run(["git", "init", "--quiet"], cwd=project))
    ignored = ok(run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project))
    assert "wheels/.gitignore" in ignored
    assert "wheels/requirements.txt" not in ignored and ".whl" not in ignored

    ok(wheelhouse_install(project, tmp_path / "image-venv"))
    assert (
        installed_django(tmp_path / "image-venv" / "bin" / "python")
        == (locked_versions(project)["django"])
    )
    assert not (tmp_path / "image-venv" / "bin" / "pytest").exists()


@pytest.mark.slow
def test_a_development_image_needs_the_dev_wheelhouse_and_installs_from_it(
    tmp_path: Path,
) -> None:
    """INSTALL_DEV=true with WHEELS=true (docker-compose.yml's build, offline) is refused until
    `make wheels WHEELS_DEV=true` has added the dev tools, never built without them."""
    project = bake(MINIMAL, tmp_path / "bake")
    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "wheels", WHEELS_FOR_THIS_PYTHON], cwd=project))
    refused = wheelhouse_install(project, tmp_path / "no-dev-wheels", install_dev=True)
    assert refused.returncode != 0
    expected = "wheels/ has no requirements-dev.txt: run make wheels WHEELS_DEV=true."
    assert expected in refused.stderr

    ok(run(["make", "wheels", WHEELS_FOR_THIS_PYTHON, "WHEELS_DEV=true"], cwd=project))
    production = (project / "wheels" / "requirements.txt").read_text()
    assert "pytest==" not in production, "the production list must not grow the dev tools"
    ok(wheelhouse_install(project, tmp_path / "dev-venv", install_dev=True))
    python = tmp_path / "dev-venv" / "bin" / "python"
    assert installed_django(python) == locked_versions(project)["django"]
    pytest_version = ok(run([str(python), "-m", "pytest", "--version"], cwd=project))
    assert f"pytest {locked_versions(project)['pytest']}" in pytest_version
