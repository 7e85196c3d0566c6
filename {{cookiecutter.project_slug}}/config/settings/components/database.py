"""Postgres: Supabase's database or any other, from DATABASE_URL.

Supabase offers three connection strings; say which one DATABASE_URL is with SUPABASE_DB_POOL_MODE:

- direct: db.<project-ref>.supabase.co:5432, a plain Postgres session (also any local Postgres).
- session: the Supavisor session pooler, <region>.pooler.supabase.com:5432, user postgres.<ref>.
- transaction: the Supavisor transaction pooler, port 6543. Consecutive transactions may run on
  different server connections, so server-side cursors (`.iterator()` streaming) and persistent
  connections cannot be used: this mode turns both off.

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
if SUPABASE_DB_POOL_MODE == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = 0
