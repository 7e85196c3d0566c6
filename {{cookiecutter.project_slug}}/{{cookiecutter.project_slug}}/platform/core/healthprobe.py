"""The container health check: exit 0 when this server's /api/health/ answers 200.

Standard library only, on purpose: Docker runs it every 15 seconds in every web and events
container, and booting Django for it (as `manage.py healthcheck` does) costs seconds of CPU per
probe, enough on a busy host to outlast the check's own timeout and mark a healthy server
unhealthy. `python -m` this module starts in tens of milliseconds: nothing here may import Django
or the project's `config` package (which imports Django).
"""

import argparse
import sys
import urllib.request
from collections.abc import Iterable

DEFAULT_URL = "http://127.0.0.1:8000/api/health/"
DEFAULT_TIMEOUT = 8.0


def probe_host(allowed_hosts: Iterable[str]) -> str:
    """A Host header the server accepts: its first concrete ALLOWED_HOSTS entry."""
    concrete = (h.strip().lstrip(".") for h in allowed_hosts if h.strip() not in ("*", ""))
    return next((h for h in concrete if "*" not in h), "") or "localhost"


def ask_the_server(url: str, *, host: str, timeout: float) -> str:
    """The health answer's body; raises OSError (URLError included) when it is not a 200.

    X-Forwarded-Proto says https, as the proxy would: production redirects plain http."""
    request = urllib.request.Request(  # noqa: S310  (a URL we were given to probe)
        url, headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body: bytes = response.read()
    return body.decode()


def main(arguments: list[str]) -> int:
    """0 when the server's health answers 200. The container's check passes the server's
    DJANGO_ALLOWED_HOSTS in (`--allowed-hosts "$DJANGO_ALLOWED_HOSTS"`): the environment is read
    by config/env.py alone, which this probe must not import."""
    parser = argparse.ArgumentParser(description="Exit 0 when the health URL answers 200.")
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--allowed-hosts", default="", help="comma-separated, as in the setting")
    options = parser.parse_args(arguments)
    host = probe_host(options.allowed_hosts.split(","))
    try:
        print(ask_the_server(options.url, host=host, timeout=DEFAULT_TIMEOUT))
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
