"""Cross-origin API calls (django-cors-headers): a front end on another origin calling the API from
the browser{% if cookiecutter.use_supabase_auth == "y" %}, with `Authorization: Bearer <token>`{% endif %}, or with the session cookie when
CORS_ALLOW_CREDENTIALS is on (README: Calling the API from a front end)."""

from django.core.exceptions import ImproperlyConfigured

from config.env import csrf_trusted_origins, env

# Origins (scheme://host[:port]) whose pages may call the API. None unless given: local settings
# add the usual development servers.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
# The API only: the admin, the docs page and other pages answer same-origin browsers alone.
CORS_URLS_REGEX = r"^/api/"
# Off by default: pages on the allowed origins then never ride on a user's session. On, for a
# single-page app that logs in with the session cookie: its writes still need the CSRF token
# (GET /api/auth/csrf/), and its origin is then a CSRF trusted origin.
CORS_ALLOW_CREDENTIALS = env.bool("CORS_ALLOW_CREDENTIALS", default=False)
CSRF_TRUSTED_ORIGINS = csrf_trusted_origins(
    cors_origins=CORS_ALLOWED_ORIGINS, credentials=CORS_ALLOW_CREDENTIALS
)
# A front end may read the request id of a failed call, to quote it (docs/logging.md).
CORS_EXPOSE_HEADERS = ["X-Request-ID"]
# Browsers may cache a preflight answer for this long (seconds) instead of asking before each call.
CORS_PREFLIGHT_MAX_AGE = 86400

# Lax sends the cookies with a front end's calls from the same site (app.example.com to
# api.example.com); a front end on another site needs None, which browsers accept only on
# Secure (https) cookies.
COOKIE_SAMESITE = env.str("DJANGO_COOKIE_SAMESITE", default="Lax").capitalize()
if COOKIE_SAMESITE not in ("Lax", "Strict", "None"):
    raise ImproperlyConfigured(
        f"DJANGO_COOKIE_SAMESITE={COOKIE_SAMESITE!r}: use Lax, Strict or None."
    )
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = COOKIE_SAMESITE

# base.py star-imports this module: only the settings above may leave it.
del ImproperlyConfigured, csrf_trusted_origins, env, COOKIE_SAMESITE
