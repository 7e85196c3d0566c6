"""HTTPS and cookie hardening for any deployed environment (passes `check --deploy`)."""

from config.env import env

# The proxy in front of the app terminates TLS and says so in this header. Only a TRUSTED_PROXIES
# peer can: core.client_address strips the header from every other peer, who could otherwise skip
# the HTTPS redirect by sending it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The health checks are probed over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^api/health/((live|ready)/)?$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# base.py star-imports this module: only the settings above may leave it.
del env
