"""Cross-origin API calls (django-cors-headers): a front end on another origin{% if cookiecutter.use_supabase_auth == "y" %}, such as a
Supabase app, calling the API from the browser with `Authorization: Bearer <token>`{% else %} calling the
API from the browser, without cookies: anonymously{% endif %}."""

from config.env import env

# Origins (scheme://host[:port]) whose pages may call the API. None unless given: local settings
# add the usual development servers.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
# The API only: the admin, the docs page and other pages answer same-origin browsers alone.
CORS_URLS_REGEX = r"^/api/"
{%- if cookiecutter.use_supabase_auth == "y" %}
# No cookies across origins: a cross-origin front end authenticates with its Bearer token, so a
# page on an allowed origin can never ride on a session (no CSRF exposure through CORS).
{%- else %}
# No cookies across origins: a page on an allowed origin can never ride on a session (no CSRF
# exposure through CORS).
{%- endif %}
CORS_ALLOW_CREDENTIALS = False
# Browsers may cache a preflight answer for this long (seconds) instead of asking before each call.
CORS_PREFLIGHT_MAX_AGE = 86400

# base.py star-imports this module: only the settings above may leave it.
del env
