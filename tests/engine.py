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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.bakery import ok, run

SOCKET = "/var/run/docker.sock"
PATH = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEBIAN_MIRROR = os.environ.get("TEMPLATE_TEST_DEBIAN_MIRROR", "http://deb.debian.org/debian")

# Debian 12 root file systems (debootstrap minbase plus packages) the stand-ins are built on. The
# Python one stays bare like the official slim image, so that a system library the project's image
# needs but does not install fails the tier; the server images share one root file system (one
# debootstrap instead of two).
ROOT_FILE_SYSTEMS: dict[str, list[str]] = {
    "python": ["python3", "python3-venv", "python-is-python3", "ca-certificates"],
    # Debian 12's Redis is 7.0 and its Postgres is 15; both with their clients, and sh.
    "servers": ["redis-server", "redis-tools", "postgresql-15"],
    # Debian 12's Caddy is 2.6, with wget for its health check (busybox's in the official image).
    "proxy": ["caddy", "wget", "ca-certificates"],
}

STAND_IN_FILES = Path(__file__).resolve().parent / "data" / "stand-ins"


@dataclass(frozen=True)
class StandIn:
    """An image name the Dockerfile or compose files use, made from one of ROOT_FILE_SYSTEMS by
    the Dockerfile lines in `build` (with STAND_IN_FILES as the build context)."""

    root_file_system: str
    build: str


# What makes each root file system behave like the official image of that name, for what the
# generated Dockerfile and compose files use. Debian 12 has Python 3.11, not 3.13: the stand-in
# python:3.13-slim carries 3.11 (the project supports it), and `make wheels` is told so.
STAND_INS: dict[str, StandIn] = {
    "python:3.13-slim": StandIn("python", 'CMD ["python3"]'),
    # The official image works in /data, where compose mounts the volume: appendonly files go
    # there. redis-entrypoint.sh turns protected mode off as the official entrypoint does.
    "redis:7-alpine": StandIn(
        "servers",
        "WORKDIR /data\n"
        "COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n'
        'CMD ["redis-server"]',
    ),
    # postgres-entrypoint.sh does what the official entrypoint does with POSTGRES_PASSWORD,
    # POSTGRES_USER and POSTGRES_DB on a first start.
    "postgres:16-alpine": StandIn(
        "servers",
        "ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data\n"
        "COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n'
        "STOPSIGNAL SIGINT\n"
        "EXPOSE 5432\n"
        'CMD ["postgres"]',
    ),
    # The Swarm stack's proxy: the official image's paths for its config and data.
    "caddy:2-alpine": StandIn(
        "proxy",
        "ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data\n"
        "WORKDIR /srv\n"
        "EXPOSE 80 443 2019\n"
        'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]',
    ),
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


# Tries of a debootstrap: the mirror sometimes fails one download ("Couldn't download packages")
# while three run side by side.
DEBOOTSTRAP_TRIES = 3


def _debootstrap(name: str, packages: list[str], rootfs: Path) -> None:
    include = f"--include={','.join(packages)}"
    command = ["debootstrap", "--variant=minbase", include, "bookworm", str(rootfs), DEBIAN_MIRROR]
    for _ in range(DEBOOTSTRAP_TRIES):
        shutil.rmtree(rootfs, ignore_errors=True)
        made = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        if made.returncode == 0:
            return
    raise AssertionError(
        f"debootstrap for {name}, {DEBOOTSTRAP_TRIES} tries:\n{made.stdout[-4000:]}{made.stderr}"
    )


def import_root_file_system(name: str, packages: list[str]) -> str:
    """A Debian 12 minbase root file system with `packages`, imported as an image (unless one is
    there already); its name. Packages go in on the host (debootstrap): downloads from inside a
    container fail certificate checks here."""
    image = f"template-test-rootfs-{name}:latest"
    if image_present(image):
        return image
    if shutil.which("debootstrap") is None:
        raise RuntimeError(f"{image} needs debootstrap: apt-get install debootstrap")
    with tempfile.TemporaryDirectory(prefix="stand-in-") as scratch:
        rootfs = Path(scratch) / "rootfs"
        _debootstrap(name, packages, rootfs)
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(rootfs / cache, ignore_errors=True)
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            ["docker", "import", "--change", PATH, "-", image],
            stdin=tar.stdout,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        tar.wait()
        assert imported.returncode == 0, f"docker import {image}: {imported.stderr}"
    return image


def build_stand_in(name: str, stand_in: StandIn, base: str) -> None:
    dockerfile = f"FROM {base}\n{stand_in.build}\n"
    built = subprocess.run(
        ["docker", "build", "--network", "none", "--tag", name, "--file", "-", str(STAND_IN_FILES)],
        input=dockerfile,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, f"docker build {name}:\n{built.stdout[-4000:]}{built.stderr}"


def ensure_base_images() -> None:
    """The real images when the engine has them; stand-ins otherwise (never pulled: no registry
    is reachable, and a pull that fails says nothing the tier needs)."""
    missing = {name: stand_in for name, stand_in in STAND_INS.items() if not image_present(name)}
    systems = sorted({stand_in.root_file_system for stand_in in missing.values()})
    # The debootstraps side by side: mostly downloads and unpacking, each about a minute.
    with ThreadPoolExecutor() as pool:
        made = pool.map(
            lambda system: import_root_file_system(system, ROOT_FILE_SYSTEMS[system]), systems
        )
        bases = dict(zip(systems, made, strict=True))
    for name, stand_in in missing.items():
        build_stand_in(name, stand_in, bases[stand_in.root_file_system])


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


def image_python(base: str) -> str:
    """The full Python version of the base image: `make wheels` picks wheels and markers by it."""
    code = "import platform; print(platform.python_version())"
    answer = docker("run", "--rm", "--network", "none", base, "python", "-c", code)
    assert answer.returncode == 0, answer.stderr
    return answer.stdout.strip()


def compose_image(project: Path, compose_file: str) -> str:
    """The image name the compose file gives the project's services."""
    services = yaml.safe_load((project / compose_file).read_text())["services"]
    image: str = services["migrate"]["image"]
    return image


def build_offline(project: Path, tag: str) -> None:
    """The project's image from its wheelhouse, with no index and no registry (--network none):
    a build that needs either fails here."""
    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "wheels", f"WHEELS_PYTHON={image_python('python:3.13-slim')}"], cwd=project))
    build = ["build", "--network", "none", "--build-arg", "WHEELS=true", "--tag", tag, "."]
    built = run(["docker", *build], cwd=project, timeout=900)
    assert built.returncode == 0, f"docker build failed:\n{built.stdout[-8000:]}\n{built.stderr}"
