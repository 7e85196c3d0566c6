"""Supabase Auth events, signed with Standard Webhooks: the Before User Created hook and the
changes and deletions of `auth.users` (docs/auth-webhooks.md), applied to the local users.

A delivery is checked in the order of what it costs: its size (the API's parser), its signature
and timestamp (an HMAC, no I/O), then its id against the ids already seen (one Redis round trip),
and only then is it applied (one short transaction).

Seen ids live on the durable Redis (`noeviction`): on the LRU cache, memory pressure could evict
an id and let a captured delivery be replayed within the timestamp tolerance. An unreachable
Redis refuses deliveries (503, fail closed): a replayed old change could otherwise undo a newer
one (a revoked `staff` role granted again), and Supabase's sender tries again later.
"""

import base64
import binascii
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any, Literal

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.dateparse import parse_datetime
from redis.exceptions import RedisError
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from {{ cookiecutter.project_slug }}.platform.accounts.services import (
    user_deactivate_from_supabase,
    user_sync_from_supabase_event,
)
from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client

logger = logging.getLogger(__name__)

# What Supabase signs with: "v1,whsec_" and the base64 of the key. Several, for a rotation,
# separated by "|" as Supabase Auth's own configuration separates them.
SECRET_PREFIX = "v1,whsec_"  # noqa: S105  (a format, not a secret)
SECRET_SEPARATOR = "|"  # noqa: S105
# 128 bits cannot be guessed; Standard Webhooks recommends 24 to 64 bytes.
MIN_SECRET_BYTES = 16
# Standard Webhooks' default tolerance (5 min, the library's) on either side of now: an id is
# kept past both, so a delivery is refused as seen for as long as its timestamp would pass.
SEEN_ID_SECONDS = 15 * 60
# A delivery being applied keeps its id this long at most (a crashed process must not block the
# sender's retry for the full SEEN_ID_SECONDS).
CLAIM_SECONDS = 30
PROCESSING, DONE = b"processing", b"done"
MAX_WEBHOOK_ID_LENGTH = 200


class AuthHookNotConfigured(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "SUPABASE_AUTH_HOOK_SECRET is not set: this endpoint accepts nothing."
    default_code = "auth_hook_not_configured"


class InvalidSignature(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The webhook signature, or its timestamp, is not valid."
    default_code = "invalid_signature"


class InvalidPayload(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The body is not a Supabase Auth event this endpoint knows."
    default_code = "invalid_payload"


class DeliveryInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A delivery with this webhook-id is being applied; retry shortly."
    default_code = "delivery_in_progress"


class DeliveriesUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Deliveries cannot be checked for replays right now; retry shortly."
    default_code = "deliveries_unavailable"


def secret_keys(secret: str) -> list[bytes]:
    """The keys of SUPABASE_AUTH_HOOK_SECRET; ValueError says what is wrong with it."""
    keys = []
    for part in secret.split(SECRET_SEPARATOR):
        if not part.startswith(SECRET_PREFIX):
            raise ValueError(f"each secret starts with {SECRET_PREFIX!r}")
        try:
            key = base64.b64decode(part.removeprefix(SECRET_PREFIX), validate=True)
        except binascii.Error as error:
            raise ValueError(f"the part after {SECRET_PREFIX!r} is not base64") from error
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"each key is at least {MIN_SECRET_BYTES} bytes")
        keys.append(key)
    return keys


@cache
def _verifiers(secret: str) -> tuple[Webhook, ...]:
    return tuple(Webhook(key) for key in secret_keys(secret))


@register(Tags.security)
def check_auth_hook_secret(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    secret = settings.SUPABASE_AUTH_HOOK_SECRET
    if not secret:
        return []
    try:
        secret_keys(secret)
    except ValueError as error:
        return [
            Error(
                f"SUPABASE_AUTH_HOOK_SECRET is malformed: {error}.",
                hint=(
                    "Paste the secret Supabase generated (Authentication > Hooks), "
                    "v1,whsec_<base64>; several for a rotation, separated by |. Empty turns "
                    "/api/webhooks/supabase-auth/ off."
                ),
                id=check_id("E046"),
            )
        ]
    return []


def auth_event_verify(*, body: bytes, headers: dict[str, str]) -> str:
    """The webhook-id of a delivery signed with SUPABASE_AUTH_HOOK_SECRET (one of its keys) less
    than 5 minutes from now. Raises AuthHookNotConfigured or InvalidSignature."""
    secret = settings.SUPABASE_AUTH_HOOK_SECRET
    try:
        verifiers = _verifiers(secret) if secret else ()
    except ValueError as error:  # a server started without `manage.py check` (E046)
        raise AuthHookNotConfigured(f"SUPABASE_AUTH_HOOK_SECRET is malformed: {error}.") from error
    if not verifiers:
        raise AuthHookNotConfigured()
    reason = ""
    for verifier in verifiers:
        try:
            verifier.verify(body, headers, json_parse=False)
        except WebhookVerificationError as error:
            reason = str(error)
            continue
        return headers["webhook-id"]
    raise InvalidSignature(f"The webhook signature is not valid: {reason}.")


def _seen_key(webhook_id: str) -> str:
    return f"auth-hooks:seen:{webhook_id}"


def delivery_claim(*, webhook_id: str) -> bool:
    """Claim the delivery `webhook_id`: True when it is new and this caller applies it; False when
    it was applied already (a retry, or a replay: nothing to do). Raises DeliveryInProgress while
    another request applies it, DeliveriesUnavailable when Redis cannot say."""
    if len(webhook_id) > MAX_WEBHOOK_ID_LENGTH:
        raise InvalidPayload(f"webhook-id is over {MAX_WEBHOOK_ID_LENGTH} characters.")
    client = redis_client("durable")
    try:
        if client.set(_seen_key(webhook_id), PROCESSING, nx=True, ex=CLAIM_SECONDS):
            return True
        state = client.get(_seen_key(webhook_id))
    except RedisError as error:
        raise DeliveriesUnavailable() from error
    if state == PROCESSING:
        raise DeliveryInProgress()
    return False


def delivery_done(*, webhook_id: str) -> None:
    """Remember `webhook_id` as applied for SEEN_ID_SECONDS. Redis failing here leaves the claim to
    lapse: a retry then applies the delivery again, which changes nothing (auth_event_apply)."""
    try:
        redis_client("durable").set(_seen_key(webhook_id), DONE, ex=SEEN_ID_SECONDS)
    except RedisError as error:
        logger.warning("Delivery %s applied but not remembered: %s", webhook_id, error)


def delivery_release(*, webhook_id: str) -> None:
    """Forget a delivery that failed: the sender's retry applies it."""
    try:
        redis_client("durable").delete(_seen_key(webhook_id))
    except RedisError as error:
        logger.warning("Failed delivery %s held until its claim lapses: %s", webhook_id, error)


@dataclass(frozen=True)
class AuthEvent:
    """What a delivery asks for: the Supabase user to sync, or to deactivate."""

    action: Literal["sync", "deactivate"]
    supabase_id: str
    email: str = ""
    app_metadata: Any = None


def auth_event_apply(event: AuthEvent) -> None:
    """Apply `event` to the local users. Applying it twice changes nothing the first did not."""
    if event.action == "deactivate":
        user_deactivate_from_supabase(supabase_id=event.supabase_id)
    else:
        user_sync_from_supabase_event(
            supabase_id=event.supabase_id, email=event.email, app_metadata=event.app_metadata
        )


# Supabase Auth's users may have no email (phone sign-ins); longer than this is no email at all.
MAX_EMAIL_LENGTH = 254
TABLE_EVENT_ACTIONS: dict[str, tuple[str, Literal["sync", "deactivate"]]] = {
    "INSERT": ("record", "sync"),
    "UPDATE": ("record", "sync"),
    "DELETE": ("old_record", "deactivate"),
}


def auth_event_from(payload: dict[str, Any]) -> AuthEvent:
    """The event a verified payload asks for: the Before User Created hook's `{"metadata",
    "user"}`, or a change of `auth.users` as Supabase's database webhooks send it (`{"type",
    "table", "schema", "record", "old_record"}`). Raises InvalidPayload."""
    if "user" in payload:
        return _user_event(payload["user"], action="sync", where="user")
    if (payload.get("schema"), payload.get("table")) != ("auth", "users"):
        raise InvalidPayload(
            'The body is neither a Before User Created hook ({"metadata", "user"}) nor a change '
            'of auth.users ({"type", "schema": "auth", "table": "users", "record", ...}).'
        )
    kind = payload.get("type")
    if kind not in TABLE_EVENT_ACTIONS:
        raise InvalidPayload(f"type is one of {', '.join(TABLE_EVENT_ACTIONS)}, not {kind!r}.")
    where, action = TABLE_EVENT_ACTIONS[str(kind)]
    record = payload.get(where)
    if action == "sync" and _locked_out(record, where=where):
        action = "deactivate"
    return _user_event(record, action=action, where=where)


def _locked_out(record: Any, *, where: str) -> bool:
    """A soft deletion (deleteUser(id, shouldSoftDelete: true)) or a ban in force: Supabase
    refreshes neither's session, and the access token they still hold is refused from now on."""
    if not isinstance(record, dict):
        return False
    return bool(record.get("deleted_at")) or _banned(record.get("banned_until"), where=where)


def _banned(banned_until: Any, *, where: str) -> bool:
    """`banned_until` (a timestamp, or null) lies in the future."""
    if banned_until is None:
        return False
    try:
        # Postgres writes "2026-01-01 00:00:00+00", an API "2026-01-01T00:00:00Z": Django's
        # parser reads both on every Python the project supports.
        until = parse_datetime(str(banned_until))
    except ValueError:
        until = None
    if until is None:
        raise InvalidPayload(f"{where}.banned_until is not a timestamp.")
    if until.tzinfo is None:  # timestamptz always carries its offset; a bare one is UTC
        until = until.replace(tzinfo=timezone.utc)
    return until > datetime.now(timezone.utc)


def _user_event(user: Any, *, action: Literal["sync", "deactivate"], where: str) -> AuthEvent:
    if not isinstance(user, dict):
        raise InvalidPayload(f"{where} is not a JSON object.")
    try:
        supabase_id = str(uuid.UUID(str(user.get("id"))))
    except ValueError as error:
        raise InvalidPayload(f"{where}.id is not a UUID.") from error
    email = user.get("email") or ""
    if not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH or "\x00" in email:
        raise InvalidPayload(f"{where}.email is not an email address.")
    # The hook's user object says app_metadata; a row of auth.users, raw_app_meta_data.
    app_metadata = user.get("app_metadata", user.get("raw_app_meta_data"))
    return AuthEvent(action, supabase_id, email=email, app_metadata=app_metadata)


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or ParseError (not JSON) or InvalidPayload (not an object)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise ParseError(f"JSON parse error - {error}") from error
    if not isinstance(payload, dict):
        raise InvalidPayload("The body is not a JSON object.")
    return payload


def auth_delivery_receive(*, body: bytes, headers: dict[str, str]) -> bool:
    """Verify and apply one delivery (`headers`: its webhook-id, webhook-timestamp and
    webhook-signature). False when its webhook-id was applied already (a retry, or a replay),
    which is then applied no second time. A delivery that fails is forgotten, so its retry is
    applied. Raises the APIExceptions above, ParseError for a body that is not JSON."""
    webhook_id = auth_event_verify(body=body, headers=headers)
    event = auth_event_from(json_object(body))
    if not delivery_claim(webhook_id=webhook_id):
        return False
    try:
        auth_event_apply(event)
    except BaseException:
        delivery_release(webhook_id=webhook_id)
        raise
    delivery_done(webhook_id=webhook_id)
    return True
