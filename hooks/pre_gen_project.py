"""Reject answers that cannot make a working project, before anything is written.

Each rule prints one line that says what to change, and exits non-zero: cookiecutter then
removes the half-made output directory. Choice options are plain answers in cookiecutter.json
(their values are in `_choices`) so that a wrong one reaches this hook instead of ending in
cookiecutter's own traceback.
"""

import json
import keyword
import re
import sys

ANSWERS = {
    "project_slug": "{{ cookiecutter.project_slug }}",
    "email": "{{ cookiecutter.email }}",
    "domain_name": "{{ cookiecutter.domain_name }}",
    "timezone": "{{ cookiecutter.timezone }}",
    "use_celery": "{{ cookiecutter.use_celery }}",
    "use_celery_beat": "{{ cookiecutter.use_celery_beat }}",
    "use_sentry": "{{ cookiecutter.use_sentry }}",
    "use_supabase_auth": "{{ cookiecutter.use_supabase_auth }}",
    "use_supabase_storage": "{{ cookiecutter.use_supabase_storage }}",
    "use_realtime": "{{ cookiecutter.use_realtime }}",
    "include_example": "{{ cookiecutter.include_example }}",
    "session_backend": "{{ cookiecutter.session_backend }}",
    "ci": "{{ cookiecutter.ci }}",
    "open_source_license": "{{ cookiecutter.open_source_license }}",
}
# The allowed values of each choice option, the default first (cookiecutter.json's `_choices`).
CHOICES_JSON = """{{ cookiecutter._choices | jsonify }}"""
YES_NO_OPTIONS = (
    "use_celery",
    "use_celery_beat",
    "use_sentry",
    "use_supabase_auth",
    "use_supabase_storage",
    "use_realtime",
    "include_example",
)

# The project's own top-level modules, and those of the dependencies it imports (by name in code
# or in settings): a package of the same name, first on sys.path, would hide them.
# tests/test_hooks.py checks that every module a bake imports is here or in the standard library.
# `test` is the standard library's own test package, which sys.stdlib_module_names leaves out.
OWN_MODULES = {"config", "benchmarks", "conftest", "manage", "staticfiles", "test", "tests"}
DEPENDENCY_MODULES = {
    *("asgiref", "celery", "corsheaders", "cryptography", "django", "django_celery_beat"),
    *("django_redis", "django_stubs_ext", "drf_spectacular", "drf_spectacular_sidecar"),
    *("environ", "factory", "grimp", "gunicorn", "hiredis", "httpx", "importlinter"),
    "jsonschema_rs",
    "jwt",
    "kombu",
    # Observability: traces and log lines use opentelemetry; JSON log lines, pythonjsonlogger.
    *("opentelemetry", "pythonjsonlogger"),
    *("mypy", "mypy_django_plugin", "mypy_drf_plugin", "playwright", "psycopg", "psycopg_pool"),
    "prometheus_client",
    *("pydantic", "pytest", "pytest_django", "pytest_httpserver", "redis", "rest_framework"),
    *("ruff", "sentry_sdk", "standardwebhooks", "storage3", "supabase", "uvicorn"),
    *("uvicorn_worker", "werkzeug", "whitenoise"),
}
# The generated code names its package in imports and dotted paths, written to fit ruff's 100
# columns (and to stay as ruff formats them) for a package name up to this long:
# tests/test_slugs.py bakes one of this length and lints it.
MAX_SLUG_LENGTH = 32


def slug_problem(slug: str) -> str | None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug) or keyword.iskeyword(slug):
        return (
            f"project_slug {slug!r} is not a valid Python package name: "
            "use lowercase letters, digits and underscores, starting with a letter, "
            "and not a Python keyword."
        )
    if len(slug) > MAX_SLUG_LENGTH:
        return (
            f"project_slug {slug!r} is {len(slug)} characters long: give a project_slug of at "
            f"most {MAX_SLUG_LENGTH} (the generated code fits 100 columns up to that length)."
        )
    if slug in OWN_MODULES | DEPENDENCY_MODULES or slug in sys.stdlib_module_names:
        return f"project_slug {slug!r} would shadow a module the project imports: choose another."
    return None


def email_problem(email: str) -> str | None:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        return f"email {email!r} is not an email address: give one like you@example.com."
    return None


def domain_problem(domain: str) -> str | None:
    label = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
    if not re.fullmatch(rf"{label}(\.{label})*", domain.lower()):
        return f"domain_name {domain!r} is not a host name: give one like example.com, no scheme."
    return None


def timezone_problem(timezone: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"timezone {timezone!r} is unknown: give an IANA name like UTC or Europe/Paris."
    return None


def yes_no_problems(answers: dict[str, str]) -> list[str]:
    return [
        f"{name} must be 'y' or 'n', not {answers[name]!r}."
        for name in YES_NO_OPTIONS
        if answers[name] not in ("y", "n")
    ]


def choice_problems(answers: dict[str, str], choices: dict[str, list[str]]) -> list[str]:
    return [
        f"{name} must be one of {', '.join(allowed)}, not {answers[name]!r}."
        for name, allowed in choices.items()
        if answers[name] not in allowed
    ]


def problems(answers: dict[str, str], choices: dict[str, list[str]]) -> list[str]:
    found = [
        slug_problem(answers["project_slug"]),
        email_problem(answers["email"]),
        domain_problem(answers["domain_name"]),
        timezone_problem(answers["timezone"]),
        *yes_no_problems(answers),
        *choice_problems(answers, choices),
    ]
    return [problem for problem in found if problem]


def notes(answers: dict[str, str]) -> list[str]:
    """Answers that are overridden rather than refused: the templates follow `__celery_beat`."""
    if answers["use_celery"] == "n" and answers["use_celery_beat"] == "y":
        return ["use_celery=n: Celery beat is left out too (use_celery_beat=n)."]
    return []


def main() -> int:
    found = problems(ANSWERS, json.loads(CHOICES_JSON))
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    if found:
        return 1
    for note in notes(ANSWERS):
        print(f"NOTE: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
