"""Supabase Auth and Storage. The database is DATABASE_URL (components/database.py).

Local defaults point at the Supabase CLI (`supabase start`: http://127.0.0.1:54321 and its
published demo keys); in production every value must come from the environment.
"""

from config.env import dev_default, env{% if cookiecutter.use_supabase_storage == "y" %}, env_str_renamed{% endif %}

SUPABASE_URL = env.str("SUPABASE_URL", default=dev_default("http://127.0.0.1:54321")).rstrip("/")
{%- if cookiecutter.use_supabase_auth == "y" %}
# Legacy projects sign access tokens with this HS256 secret; leave it empty to accept only the
# asymmetric (ES256/RS256) keys the project's JWKS publishes.
SUPABASE_JWT_SECRET = env.str("SUPABASE_JWT_SECRET", default="")
# Seconds of clock skew tolerated on exp/nbf/iat.
SUPABASE_JWT_LEEWAY = env.int("SUPABASE_JWT_LEEWAY", default=10)
# The JWKS is cached in Redis, shared by every process, for at most this long.
SUPABASE_JWKS_CACHE_SECONDS = min(env.int("SUPABASE_JWKS_CACHE_SECONDS", default=600), 600)
# The key file `manage.py dev_token` signs with (accounts/dev_token_key.py). Only local and test
# settings set it, never from the environment: `check --deploy` fails wherever it is set.
SUPABASE_DEV_TOKEN_KEY_FILE = ""
# Signs Supabase Auth's events to /api/webhooks/supabase-auth/ (docs/auth-webhooks.md):
# v1,whsec_<base64> from Authentication > Hooks. Empty turns the endpoint off (503).
SUPABASE_AUTH_HOOK_SECRET = env.str("SUPABASE_AUTH_HOOK_SECRET", default="")
{%- endif %}
{%- if cookiecutter.use_supabase_storage == "y" %}
# The service-role (secret) key bypasses Row Level Security: server-side only, never logged.
SUPABASE_SECRET_KEY = env_str_renamed(
    "SUPABASE_SECRET_KEY",
    old_name="SUPABASE_SERVICE_ROLE_KEY",
    default=dev_default(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vf"
        "cm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"
    ),
)
SUPABASE_STORAGE_BUCKET = env.str("SUPABASE_STORAGE_BUCKET", default="user-files")
# Lifetime of signed download URLs, in seconds.
SUPABASE_SIGNED_URL_SECONDS = env.int("SUPABASE_SIGNED_URL_SECONDS", default=300)
# A hanging Storage holds a request (and its worker thread) this long, not supabase-py's 20 s.
SUPABASE_STORAGE_TIMEOUT_SECONDS = env.int("SUPABASE_STORAGE_TIMEOUT_SECONDS", default=5)
{%- endif %}

# base.py star-imports this module: only the settings above may leave it.
del dev_default, env{% if cookiecutter.use_supabase_storage == "y" %}, env_str_renamed{% endif %}
