"""A Docker engine for the compose tier: the one that answers, or a dockerd started here, and
stand-in base images built from Debian packages when the real ones are not on the engine (no
image registry is reachable from these machines).

Everything the tier creates is removed afterwards: the images that were not on the engine before
(stand-ins, the project's image, its build stages), and the daemon if the tier started it."""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SOCKET = "/var/run/docker.sock"
PATH = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEBIAN_MIRROR = os.environ.get("TEMPLATE_TEST_DEBIAN_MIRROR", "http://deb.debian.org/debian")

# Debian packages that make a root file system behave like the official image of that name for
# what the generated Dockerfile and compose files use. Debian 12 has Python 3.11, not 3.13: the
# stand-in python:3.13-slim carries 3.11 (the project supports it), and `make wheels` is told so.
STAND_INS: dict[str, tuple[list[str], str]] = {
    "python:3.13-slim": (
        ["python3", "python3-venv", "python-is-python3", "ca-certificates"],
        "python3",
    ),
    # Debian 12's Redis is 7.0, with redis-cli and sh like the Alpine image.
    "redis:7-alpine": (["redis-server", "redis-tools"], "redis-server"),
}


def docker(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def engine_answers() -> bool:
    return shutil.which("docker") is not None and docker("info", timeout=30).returncode == 0


def start_dockerd(log: Path) -> subprocess.Popen[bytes]:
    if shutil.which("dockerd") is None:
        raise RuntimeError(
            "No Docker engine answers and dockerd is missing: apt-get install docker.io "
            "docker-compose debootstrap (.ci/run does)."
        )
    with log.open("wb") as output:
        daemon = subprocess.Popen(
            ["dockerd", "--host", f"unix://{SOCKET}"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while not engine_answers():
        if daemon.poll() is not None or time.monotonic() > deadline:
            daemon.kill()
            raise RuntimeError(f"dockerd did not come up:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)
    return daemon


def stop_dockerd(daemon: subprocess.Popen[bytes]) -> None:
    daemon.send_signal(signal.SIGTERM)
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        daemon.kill()
        daemon.wait()


def image_ids() -> set[str]:
    listed = docker("images", "--all", "--quiet", "--no-trunc")
    assert listed.returncode == 0, listed.stderr
    return set(listed.stdout.split())


def container_ids() -> set[str]:
    listed = docker("ps", "--all", "--quiet", "--no-trunc")
    assert listed.returncode == 0, listed.stderr
    return set(listed.stdout.split())


def image_present(name: str) -> bool:
    return docker("image", "inspect", name).returncode == 0


def import_stand_in(name: str, packages: list[str], command: str) -> None:
    """A Debian 12 minbase root file system with `packages`, imported as `name`. Packages go in
    on the host (debootstrap): downloads from inside a container fail certificate checks here."""
    if shutil.which("debootstrap") is None:
        raise RuntimeError(f"{name} is missing and so is debootstrap: apt-get install debootstrap")
    with tempfile.TemporaryDirectory(prefix="stand-in-") as scratch:
        rootfs = Path(scratch) / "rootfs"
        include = f"--include={','.join(packages)}"
        made = subprocess.run(
            ["debootstrap", "--variant=minbase", include, "bookworm", str(rootfs), DEBIAN_MIRROR],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert made.returncode == 0, f"debootstrap for {name}:\n{made.stdout[-4000:]}{made.stderr}"
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(rootfs / cache, ignore_errors=True)
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            ["docker", "import", "--change", f'CMD ["{command}"]', "--change", PATH, "-", name],
            stdin=tar.stdout,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        tar.wait()
        assert imported.returncode == 0, f"docker import {name}: {imported.stderr}"


def ensure_base_images() -> None:
    """The real images when the engine has them; stand-ins otherwise (never pulled: no registry
    is reachable, and a pull that fails says nothing the tier needs)."""
    for name, (packages, command) in STAND_INS.items():
        if not image_present(name):
            import_stand_in(name, packages, command)


@contextmanager
def engine(log: Path) -> Iterator[None]:
    """An engine with the base images for the session; afterwards, nothing the tier made."""
    daemon = None if engine_answers() else start_dockerd(log)
    before, containers_before = image_ids(), container_ids()
    try:
        ensure_base_images()
        yield
    finally:
        try:
            for container in container_ids() - containers_before:
                docker("rm", "--force", "--volumes", container)
            remove_images(image_ids() - before)
        finally:
            if daemon is not None:
                stop_dockerd(daemon)


def remove_images(made: set[str]) -> None:
    """Children before parents: a pass removes what nothing else is built on."""
    for _ in range(10):
        left = made & image_ids()
        if not left:
            return
        for image in left:
            docker("rmi", "--force", image)
    assert not made & image_ids(), f"images left behind: {made & image_ids()}"
