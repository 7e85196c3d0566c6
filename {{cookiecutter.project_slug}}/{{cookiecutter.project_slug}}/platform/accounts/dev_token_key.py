"""The development-only signing key of `manage.py dev_token`: a front end can call the API
before a Supabase project exists.

Only local and test settings name a key file (SUPABASE_DEV_TOKEN_KEY_FILE); production settings
leave it empty, so a token signed with it is refused there like any token from an unknown key, and
`check --deploy` fails if a deployed settings module names one.
"""

import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id

# The `kid` of development tokens: real Supabase key ids are UUIDs, so the two never meet.
DEV_KEY_ID = "development-only"
DEV_ALGORITHM = "ES256"


def dev_tokens_enabled() -> bool:
    return bool(settings.SUPABASE_DEV_TOKEN_KEY_FILE)


def dev_token_private_key() -> ec.EllipticCurvePrivateKey:
    """The key in SUPABASE_DEV_TOKEN_KEY_FILE, generated there on first use."""
    return _key_from_file(*_key_file())


def dev_token_public_key() -> ec.EllipticCurvePublicKey:
    # Asked on every Bearer request with a development token (supabase_tokens.py compares it
    # with the key that verified the token): derived once per key file, not per request.
    return _public_key_from_file(*_key_file())


def _key_file() -> tuple[Path, int]:
    """The key file, created on first use, and its modification time (the caches' key)."""
    path = Path(settings.SUPABASE_DEV_TOKEN_KEY_FILE)
    if not path.is_file():
        _key_file_create(path)
    return path, path.stat().st_mtime_ns


@cache
def _key_from_file(path: Path, modified_ns: int) -> ec.EllipticCurvePrivateKey:
    # Keyed by the file's modification time: a deleted and regenerated key is read afresh.
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{path} does not hold an EC private key: delete it to make a new one.")
    return key


@cache
def _public_key_from_file(path: Path, modified_ns: int) -> ec.EllipticCurvePublicKey:
    return _key_from_file(path, modified_ns).public_key()


def _key_file_create(path: Path) -> None:
    """Write a new key atomically: the server and `dev_token` may race to create it, and neither
    may read a half-written file or overwrite the key the other already signed with."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".dev-token-key-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        os.link(temporary, path)  # fails if another process created the key first: theirs wins
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


@register(Tags.security, deploy=True)
def check_no_dev_token_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not dev_tokens_enabled():
        return []
    return [
        Error(
            "SUPABASE_DEV_TOKEN_KEY_FILE is set: the API accepts `manage.py dev_token` tokens.",
            hint=(
                "Anyone with the key file can sign in as any user. Only local and test settings "
                "may set it: remove it from this settings module."
            ),
            id=check_id("E040"),
        )
    ]
