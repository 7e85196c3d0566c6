"""What the API answers a request it refuses for want of credentials, by the authentication the
project has: a project that accepts bearer tokens names that scheme in its challenge (401), one
with sessions only has no scheme a client could answer with (403)."""

from importlib.util import find_spec

ACCOUNTS = "{{ cookiecutter.project_slug }}.platform.accounts"
# The bearer token authentication: the accounts app has this module exactly when the project
# accepts the tokens.
BEARER_AUTHENTICATION = ".supabase_authentication"


def accepts_bearer_tokens() -> bool:
    return find_spec(BEARER_AUTHENTICATION, ACCOUNTS) is not None


def anonymous_refusal_status() -> int:
    return 401 if accepts_bearer_tokens() else 403
