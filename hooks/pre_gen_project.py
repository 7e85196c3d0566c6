"""Reject answers that cannot make a working project, before anything is written.

Each rule prints one line that says what to change, and exits non-zero: cookiecutter then
removes the half-made output directory.
"""

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
}
YES_NO_OPTIONS = (
    "use_celery",
    "use_celery_beat",
    "use_sentry",
    "use_supabase_auth",
    "use_supabase_storage",
    "use_realtime",
    "include_example",
)

# Names a Django project package must not take: they shadow modules the project imports.
RESERVED_SLUGS = {"config", "django", "rest_framework", "celery", "redis", "test", "tests", "site"}


def slug_problem(slug: str) -> str | None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug):
        return (
            f"project_slug {slug!r} is not a valid Python package name: "
            "use lowercase letters, digits and underscores, starting with a letter."
        )
    if slug in RESERVED_SLUGS:
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


def combination_problem(answers: dict[str, str]) -> str | None:
    if answers["use_celery_beat"] == "y" and answers["use_celery"] == "n":
        return "use_celery_beat=y needs use_celery=y: set use_celery=y or use_celery_beat=n."
    return None


def problems(answers: dict[str, str]) -> list[str]:
    found = [
        slug_problem(answers["project_slug"]),
        email_problem(answers["email"]),
        domain_problem(answers["domain_name"]),
        timezone_problem(answers["timezone"]),
        *yes_no_problems(answers),
        combination_problem(answers),
    ]
    return [problem for problem in found if problem]


def main() -> int:
    found = problems(ANSWERS)
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
