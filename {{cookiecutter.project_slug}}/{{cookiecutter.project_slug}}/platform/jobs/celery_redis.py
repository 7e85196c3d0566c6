"""Celery's connection options for a Redis role: Sentinel and TLS in Celery's own terms.

Pure functions of their arguments, like core/redis_config.py: config/settings/components/celery.py
builds Celery's settings with them.
"""

import ssl
from urllib.parse import urlsplit

from {{ cookiecutter.project_slug }}.platform.core.redis_config import url_credentials


def celery_sentinel_url(url: str, *, sentinels: list[tuple[str, int]]) -> str:
    """Celery's own Sentinel transport: sentinel://[:password@]host:port/db, one per sentinel,
    joined by ';' (the master's name goes in the transport options)."""
    prefix, path = url_credentials(url), urlsplit(url).path or "/0"
    return ";".join(f"sentinel://{prefix}{host}:{port}{path}" for host, port in sentinels)


def celery_tls(url: str, *, ca_certs: str) -> dict[str, object] | None:
    """rediss:// for Celery: verify the server's certificate (Celery's default is not to)."""
    if not url.startswith("rediss://"):
        return None
    return {"ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_ca_certs": ca_certs or None}
