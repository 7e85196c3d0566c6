"""Supabase Storage through supabase-py, with the project's service-role key.

The client is built once per process and only ever calls Storage: it is never used to sign a
user in (sign-in would replace its Authorization header with that user's token, for every
request the process serves afterwards).
"""

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from supabase import Client, create_client


@cache
def storage_client() -> Client:
    return create_client(settings.SUPABASE_URL, settings.SUPABASE_SERVICE_ROLE_KEY)


@receiver(setting_changed)
def _forget_client_when_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("SUPABASE_"):
        storage_client.cache_clear()


def storage_signed_upload_url(*, path: str) -> dict[str, str]:
    """A URL (and its token) the browser can upload `path` to, without our key."""
    bucket = storage_client().storage.from_(settings.SUPABASE_STORAGE_BUCKET)
    signed = bucket.create_signed_upload_url(path)
    return {"url": signed["signed_url"], "token": signed["token"], "path": path}


def storage_signed_download_url(*, path: str, expires_in: int) -> str:
    bucket = storage_client().storage.from_(settings.SUPABASE_STORAGE_BUCKET)
    url = bucket.create_signed_url(path, expires_in)["signedURL"]
    if not url:
        raise ValueError(f"Supabase Storage returned no signed URL for {path!r}")
    return url
