"""What a Supabase database has and a plain Postgres lacks, for row-level security: the `anon`,
`authenticated` and `service_role` roles, `auth.uid()` and `auth.jwt()` as Supabase defines them,
and the grants that let `authenticated` use the app's tables. On Supabase everything exists and
nothing is changed (the grants are ones Supabase gives already).

Roles belong to the whole server, not to one database: creating one tolerates another database's
migration creating it at the same moment. Nothing is undone on the way back: other databases on
the server may use the roles.
"""

from django.db import migrations

ROLES = ("anon", "authenticated", "service_role")


def role_create_sql(role: str) -> str:
    """Create `role` (NOLOGIN) unless it exists, also when another session creates it at once."""
    assert role.isidentifier() and role.islower(), role  # written into SQL: a plain name only
    return f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {role} NOLOGIN NOINHERIT;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- created meanwhile by a migration of another database on this server
END $$;
"""


# SET ROLE needs membership: a superuser has it, and on Supabase `postgres` is granted it.
ROLE_MEMBERSHIP = """
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'authenticated', 'MEMBER') THEN
        EXECUTE format('GRANT authenticated TO %I', current_user);
    END IF;
END $$;
"""

# Supabase's own definitions: the claims of the transaction (request.jwt.claims, or the older
# one-setting-per-claim form), read by policies.
AUTH_FUNCTIONS = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
        CREATE SCHEMA auth;
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $fn$;
    END IF;
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $fn$;
    END IF;
END $$;
"""

# As Supabase grants them in `public`: on the tables there now and on those migrations create
# later (default privileges of the role that runs the migrations). Policies then decide rows.
TABLE_GRANTS = """
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO authenticated;
"""


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [
        *(migrations.RunSQL(role_create_sql(role), migrations.RunSQL.noop) for role in ROLES),
        migrations.RunSQL(ROLE_MEMBERSHIP, migrations.RunSQL.noop),
        migrations.RunSQL(AUTH_FUNCTIONS, migrations.RunSQL.noop),
        migrations.RunSQL(TABLE_GRANTS, migrations.RunSQL.noop),
    ]
