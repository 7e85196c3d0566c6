"""Postgres: Supabase's database or any other, from DATABASE_URL.

Supabase offers three connection strings; say which one DATABASE_URL is with SUPABASE_DB_POOL_MODE:

- direct: db.<project-ref>.supabase.co:5432, a plain Postgres session (also any local Postgres).
- session: the Supavisor session pooler, <region>.pooler.supabase.com:5432, user postgres.<ref>.
- transaction: the Supavisor transaction pooler, port 6543. Consecutive transactions may run on
  different server connections, so server-side cursors (`.iterator()` streaming), prepared
  statements and persistent connections cannot be used: this mode turns them off.

Run migrations over the direct or session connection (DATABASE_URL=<that URL> manage.py migrate):
DDL and advisory locks need a real session.
"""

from config.env import dev_default, env

SUPABASE_DB_POOL_MODES = ("direct", "session", "transaction")
SUPABASE_DB_POOL_MODE = env.str("SUPABASE_DB_POOL_MODE", default="direct")

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=dev_default("postgres://postgres@127.0.0.1:5432/{{ cookiecutter.project_slug }}"),
    ),
}
# A dead database fails a request (and the health check) in seconds instead of hanging it.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Under ASGI each request runs its sync code in a thread of its own, so a persistent connection
# (CONN_MAX_AGE) is never reused and every request would open a new one. Every command that starts
{%- if cookiecutter.use_realtime == "y" %}
# an ASGI server sets DATABASE_POOL=True for psycopg's pool instead (config/gunicorn_events.py,
# `make run`, the development compose file; measured: 2.5x the requests/s); the WSGI web server
{%- else %}
# an ASGI server sets DATABASE_POOL=True for psycopg's pool instead (`make run`, the development
# compose file; measured: 2.5x the requests/s); the WSGI web server
{%- endif %}
# (config/gunicorn.py), workers and commands keep persistent connections, which suit one thread
# per process.
DATABASE_POOL = env.bool("DATABASE_POOL", default=False)
if DATABASE_POOL:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        # Per web process: keep max_size x processes under the database's connection limit.
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=8),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
if SUPABASE_DB_POOL_MODE == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # psycopg prepares a statement run 5 times on its server connection; the pooler may run the
    # next EXECUTE on another one, where it does not exist. psycopg's pool stays allowed: it
    # pools connections to the pooler, and queries under claims carry nothing past a transaction.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None

# The role API views run their queries as under the caller's claims (platform/core/
# claims_context.py): Supabase's `authenticated`, whose row-level security policies then apply.
SUPABASE_RLS_ROLE = env.str("SUPABASE_RLS_ROLE", default="authenticated")

# base.py star-imports this module: only the settings above may leave it.
del dev_default, env
