"""Finish the generated project: fresh secrets in its env files, no files for unchosen options.

Runs offline: secrets come from the `secrets` module, nothing is fetched.
"""

import secrets
import shutil
import sys
from pathlib import Path

PROJECT = Path.cwd()
# Env file sources and where they go. The sources are not dot-files in the template because the
# generated .gitignore (which git also applies inside this repository) ignores .env files.
ENV_FILES = {"_env.local": ".env", "_env.production": ".env.production"}
# Placeholders in the env files and the bytes of randomness each gets.
SECRET_LENGTHS = {
    "__DJANGO_SECRET_KEY__": 50,
    "__POSTGRES_PASSWORD__": 24,
    "__REDIS_PASSWORD__": 24,
}

# Paths that exist only for an option, each with "was the option left out?".
UNCHOSEN_PATHS = (
    (
        "{{ cookiecutter.use_celery }}" == "n",
        (
            "config/celery.py",
            "config/settings/components/celery.py",
            "{{ cookiecutter.project_slug }}/platform/jobs",
            "{{ cookiecutter.project_slug }}/notes/tasks.py",
            "{{ cookiecutter.project_slug }}/notes/summary.py",
            "{{ cookiecutter.project_slug }}/notes/tests/test_summary.py",
            "{{ cookiecutter.project_slug }}/testing/harness_app/tasks.py",
            "{{ cookiecutter.project_slug }}/notes/migrations/0002_notesummary.py",
            "{{ cookiecutter.project_slug }}/testing/workers.py",
            "{{ cookiecutter.project_slug }}/testing/worker_fixtures.py",
            "{{ cookiecutter.project_slug }}/testing/harness_app/job_apis.py",
            "benchmarks/celery.py",
            "docs/celery.md",
            "deploy/kubernetes/base/worker.yaml",
            "deploy/kubernetes/base/worker-autoscaling.yaml",
        ),
    ),
    (
        "{{ cookiecutter.__celery_beat }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/platform/jobs/beat.py",
            "{{ cookiecutter.project_slug }}/platform/jobs/tests/test_beat.py",
            "deploy/kubernetes/base/beat.yaml",
        ),
    ),
    ("{{ cookiecutter.use_sentry }}" == "n", ("config/settings/components/sentry.py",)),
    (
        "{{ cookiecutter.include_example }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/notes",
            "config/settings/components/notes.py",
            "benchmarks/http_notes.py",
        ),
    ),
    (
        "{{ cookiecutter.session_backend }}" != "redis",
        (
            "{{ cookiecutter.project_slug }}/platform/accounts/session_store.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_session_outage.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_sessions_on_cluster.py",
        ),
    ),
    (
        "{{ cookiecutter.session_backend }}" != "redis_with_db_fallback",
        ("{{ cookiecutter.project_slug }}/platform/accounts/tests/test_session_fallback.py",),
    ),
    (
        "{{ cookiecutter.session_backend }}" == "database",
        ("{{ cookiecutter.project_slug }}/platform/accounts/tests/test_sessions_in_redis.py",),
    ),
    (
        "{{ cookiecutter.use_realtime }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/platform/realtime",
            "{{ cookiecutter.project_slug }}/testing/sse.py",
            "config/settings/components/realtime.py",
            "config/gunicorn_events.py",
            "benchmarks/realtime.py",
            "benchmarks/realtime_clients.py",
            "docs/realtime.md",
            "deploy/kubernetes/base/events.yaml",
            "deploy/kubernetes/base/ingress-events.yaml",
        ),
    ),
    (
        "{{ cookiecutter.use_supabase_auth }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/platform/accounts/supabase_authentication.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/me_apis.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/auth_webhooks.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/auth_webhook_apis.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_auth_webhooks.py",
            "docs/auth-webhooks.md",
            "{{ cookiecutter.project_slug }}/platform/accounts/services.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/supabase_tokens.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/dev_token_key.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/dev_tokens.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/management",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_dev_tokens.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_front_end_bearer.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/migrations/0002_user_supabase.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_supabase_auth.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_bearer_users.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_sign_ups.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_token_budget.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_key_rotation.py",
            "{{ cookiecutter.project_slug }}/platform/accounts/tests/test_jwt_secret_check.py",
            "{{ cookiecutter.project_slug }}/testing/tokens.py",
            "{{ cookiecutter.project_slug }}/testing/supabase_auth_fixtures.py",
            "{{ cookiecutter.project_slug }}/platform/core/tests/test_contract_tokens.py",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/jwks.py",
            "docs/supabase-auth.md",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/auth_checks.py",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/migrations",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/tests/"
            "test_claims_context.py",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/tests/"
            "test_supabase_database.py",
            "{{ cookiecutter.project_slug }}/testing/supabase_database_fixtures.py",
            "{{ cookiecutter.project_slug }}/notes/migrations/0003_note_row_level_security.py",
            "{{ cookiecutter.project_slug }}/notes/tests/test_row_level_security.py",
            "docs/row-level-security.md",
            "benchmarks/claims.py",
        ),
    ),
    (
        "{{ cookiecutter.use_supabase_auth }}" == "n" or "{{ cookiecutter.use_celery }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/notes/migrations/"
            "0004_notesummary_row_level_security.py",
        ),
    ),
    (
        "{{ cookiecutter.use_supabase_auth }}" == "n" or "{{ cookiecutter.use_realtime }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/platform/realtime/tests/test_supabase_tokens.py",
            "{{ cookiecutter.project_slug }}/platform/realtime/tests/test_auth_webhook_streams.py",
        ),
    ),
    (
        "{{ cookiecutter.use_supabase_storage }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/platform/files",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/storage.py",
            "docs/supabase-storage.md",
            "{{ cookiecutter.project_slug }}/platform/integrations/supabase/storage_checks.py",
            "{{ cookiecutter.project_slug }}/testing/supabase_storage_fixtures.py",
        ),
    ),
    (
        "{{ cookiecutter.use_supabase_auth }}" == "n"
        and "{{ cookiecutter.use_supabase_storage }}" == "n",
        (
            "{{ cookiecutter.project_slug }}/platform/integrations",
            "{{ cookiecutter.project_slug }}/testing/supabase_fixtures.py",
            "config/settings/components/supabase.py",
        ),
    ),
    ("{{ cookiecutter.ci }}" == "none", (".github",)),
    ("{{ cookiecutter.open_source_license }}" == "Not open source", ("LICENSE",)),
)


def new_secret(length: int) -> str:
    # URL-safe so the value can sit inside a redis:// or postgres:// URL unescaped.
    return secrets.token_urlsafe(length)


def fill_secrets() -> None:
    """Each env file gets its own secrets: a leaked local .env must not unlock production."""
    for source_name, target_name in ENV_FILES.items():
        source = PROJECT / source_name
        text = source.read_text()
        for placeholder, length in SECRET_LENGTHS.items():
            text = text.replace(placeholder, new_secret(length))
        target = PROJECT / target_name
        # Created private: the secrets are never readable by other users, not even briefly.
        target.touch(mode=0o600)
        target.write_text(text)
        source.unlink()


def remove(relative: str) -> None:
    path = PROJECT / relative
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def prune_unchosen() -> None:
    for left_out, paths in UNCHOSEN_PATHS:
        if left_out:
            for relative in paths:
                remove(relative)


def print_next_steps() -> None:
    print(
        f"""
Generated {PROJECT}. Next:

    cd {PROJECT} && make install && make run

`make install` writes uv.lock, the exact versions of every dependency: commit it.
`make run` needs Postgres on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; with Docker, run
`docker compose up` instead. Then open http://127.0.0.1:8000/api/docs/.
Fresh random secrets are in .env (local) and .env.production (replace its placeholders before
deploying); git ignores both."""
    )


def main() -> int:
    fill_secrets()
    prune_unchosen()
    print_next_steps()
    return 0


if __name__ == "__main__":
    sys.exit(main())
