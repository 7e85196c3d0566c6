"""Which peers may say who the client is: TRUSTED_PROXIES, read here and nowhere else.

gunicorn (config/gunicorn.py), uvicorn (`make run`, the development compose file, the test
servers: `python -m config.proxies` prints the list) and Django (settings.TRUSTED_PROXIES, read by
core.client_address.TrustedProxyMiddleware) all take it from this module, so the server and the
rate limiter always agree on the client's address. A peer on this list may set X-Forwarded-For and
X-Forwarded-Proto; from any other peer both headers are ignored, because the client writes them.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env, read_env_file

from {{ cookiecutter.project_slug }}.platform.core.proxy_networks import trusted_networks

# Loopback only: a proxy on the same host. Anything else must be named (the production compose
# file names its bundled proxy).
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")


def trusted_proxies() -> list[str]:
    """TRUSTED_PROXIES from the environment, validated: ImproperlyConfigured when it is unsafe."""
    default = list(DEFAULT_TRUSTED_PROXIES)
    proxies = [proxy.strip() for proxy in env.list("TRUSTED_PROXIES", default=default)]
    try:
        trusted_networks(proxies)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
    return proxies


if __name__ == "__main__":
    # For shell commands that start uvicorn: --forwarded-allow-ips "$(python -m config.proxies)".
    read_env_file()
    print(",".join(trusted_proxies()))
