"""Supabase Storage through supabase-py, with the project's service-role key.

The client is built once per process and only ever calls Storage: it is never used to sign a
user in (sign-in would replace its Authorization header with that user's token, for every
request the process serves afterwards).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import httpx
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from pydantic import ValidationError
from storage3.exceptions import StorageApiError
from storage3.utils import StorageException
from supabase import Client, ClientOptions, create_client

logger = logging.getLogger(__name__)


class StorageObjectNotFound(Exception):
    """Storage has no object at the path."""


class StorageUnavailable(Exception):
    """Storage could not be reached, or refused or garbled the request (logged)."""


@cache
def storage_client() -> Client:
    options = ClientOptions(storage_client_timeout=settings.SUPABASE_STORAGE_TIMEOUT_SECONDS)
    return create_client(settings.SUPABASE_URL, settings.SUPABASE_SECRET_KEY, options)


@receiver(setting_changed)
def _forget_client_when_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("SUPABASE_"):
        storage_client.cache_clear()


def _is_not_found(error: StorageException) -> bool:
    # Storage reports a missing object as statusCode "404" in the body (with HTTP 400 on older
    # versions, 404 on newer ones). A missing bucket says 404 too, but that is our
    # misconfiguration, not the client's mistake.
    if not isinstance(error, StorageApiError) or str(error.status) != "404":
        return False
    return "bucket" not in f"{error.code} {error.message}".lower()


@contextmanager
def _storage_errors(path: str) -> Iterator[None]:
    """supabase-py's failures as the two outcomes callers can act on. Only the path and the
    error are logged: never the request's headers (they carry the service-role key)."""
    try:
        yield
    except StorageException as error:
        if _is_not_found(error):
            raise StorageObjectNotFound(path) from error
        logger.warning("Supabase Storage refused the request for %r: %s", path, error)
        raise StorageUnavailable(str(error)) from error
    except (httpx.HTTPError, ValidationError, KeyError, ValueError) as error:
        logger.warning("Supabase Storage failed for %r: %s", path, type(error).__name__)
        raise StorageUnavailable(type(error).__name__) from error


def storage_signed_upload_url(*, path: str) -> dict[str, str]:
    """A URL (and its token) the browser can upload `path` to, without our key."""
    bucket = storage_client().storage.from_(settings.SUPABASE_STORAGE_BUCKET)
    with _storage_errors(path):
        signed = bucket.create_signed_upload_url(path)
    return {"url": signed["signed_url"], "token": signed["token"], "path": path}


def storage_signed_download_url(*, path: str, expires_in: int) -> str:
    bucket = storage_client().storage.from_(settings.SUPABASE_STORAGE_BUCKET)
    with _storage_errors(path):
        url = bucket.create_signed_url(path, expires_in)["signedURL"]
    if not url:
        raise StorageUnavailable(f"Supabase Storage returned no signed URL for {path!r}")
    return url
