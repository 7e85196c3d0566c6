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
SAFE_CHARACTERS = re.compile(r"[A-Za-z0-9._\- /]+")
# Segments of those, none empty, "." or ".." (each could leave the folder), no leading "/". The
# API's schema states this pattern (files/apis.py), so what it promises is what is accepted.
_SEGMENT = r"(?:[A-Za-z0-9_\- ]|\.[A-Za-z0-9_\- ]|\.\.[A-Za-z0-9._\- ])[A-Za-z0-9._\- ]*"
RELATIVE_PATH_PATTERN = rf"^{_SEGMENT}(?:/{_SEGMENT})*$"
RELATIVE_PATH = re.compile(RELATIVE_PATH_PATTERN)


def user_folder(user: User) -> str:
    # The Supabase user id where users have one (Supabase Auth), so Storage policies written
    # against auth.uid() match the folder.
    return str(getattr(user, "supabase_id", None) or user.pk)


def file_path_for(*, user: User, path: str) -> str:
    """`path` inside the user's folder. Anything that could leave it is a ValidationError."""
    problem = None
    # fullmatch: with match(), "$" would also accept a trailing newline.
    if len(path) > MAX_PATH_LENGTH or not SAFE_CHARACTERS.fullmatch(path):
        problem = "Use 1-512 letters, digits, '.', '_', '-', ' ' and '/'."
    elif not RELATIVE_PATH.fullmatch(path):
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
