from config.env import env

{% if cookiecutter.session_backend == "redis" -%}
# Sessions live on their own Redis database, never in the LRU cache: eviction would log users out.
# Django's cache store, except that an unreachable Redis is a 503, not a logout, and that a session
# is read with its user's signed copy, in one round trip (accounts/session_store.py).
SESSION_ENGINE = "{{ cookiecutter.project_slug }}.platform.accounts.session_store"
SESSION_CACHE_ALIAS = "sessions"
{%- elif cookiecutter.session_backend == "redis_with_db_fallback" -%}
# Read through Redis, written to Postgres too: a Redis restart costs a cache miss, not a login.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
{%- else -%}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
{%- endif %}
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# The session's user is loaded on every request: from a signed copy kept beside the session this
# many seconds, instead of a database query each time (accounts/user_copies.py, with
# SessionUserMiddleware in MIDDLEWARE; 0 turns it off).
AUTHENTICATION_BACKENDS = [
    "{{ cookiecutter.project_slug }}.platform.accounts.backends.SessionUserBackend",
]
SESSION_USER_CACHE_SECONDS = env.int("SESSION_USER_CACHE_SECONDS", default=60)

# base.py star-imports this module: only the settings above may leave it.
del env
