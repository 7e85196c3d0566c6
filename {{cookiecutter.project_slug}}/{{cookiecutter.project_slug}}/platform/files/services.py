import posixpath
import re

from django.conf import settings
from django.core.exceptions import ValidationError

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.integrations.supabase.storage import (
    storage_signed_download_url,
    storage_signed_upload_url,
)

MAX_PATH_LENGTH = 512
# Letters, digits and a few separators: no control characters, backslashes or URL syntax.
SAFE_PATH = re.compile(r"^[A-Za-z0-9._\- /]+$")


def user_folder(user: User) -> str:
{%- if cookiecutter.use_supabase_auth == "y" %}
    # The Supabase user id, so Storage policies written against auth.uid() match the folder.
    return str(user.supabase_id or user.pk)
{%- else %}
    return str(user.pk)
{%- endif %}


def file_path_for(*, user: User, path: str) -> str:
    """`path` inside the user's folder. Anything that could leave it is a ValidationError."""
    problem = None
    if not path or len(path) > MAX_PATH_LENGTH or not SAFE_PATH.match(path):
        problem = "Use 1-512 letters, digits, '.', '_', '-', ' ' and '/'."
    elif (
        path.startswith("/")
        or posixpath.normpath(path) != path
        or not {".", ".."}.isdisjoint(path.split("/"))  # "." is its own normal form
    ):
        problem = "Give a relative path without '.', '..' or empty segments."
    if problem:
        raise ValidationError({"path": [problem]}, code="invalid_path")
    return f"{user_folder(user)}/{path}"


def file_upload_url(*, user: User, path: str) -> dict[str, str]:
    return storage_signed_upload_url(path=file_path_for(user=user, path=path))


def file_download_url(*, user: User, path: str) -> str:
    return storage_signed_download_url(
        path=file_path_for(user=user, path=path),
        expires_in=settings.SUPABASE_SIGNED_URL_SECONDS,
    )
