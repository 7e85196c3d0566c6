"""POST /api/webhooks/supabase-auth/: Supabase Auth's signed events keep the local users in sync.
Deliveries are signed here with standardwebhooks and a secret made for the test; Postgres and the
Redis that remembers delivery ids are real."""

import base64
import contextlib
import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings
from redis.exceptions import RedisError
from standardwebhooks.webhooks import Webhook

from {{ cookiecutter.project_slug }}.platform.accounts.auth_webhook_apis import MAX_BODY_BYTES
from {{ cookiecutter.project_slug }}.platform.accounts.auth_webhooks import (
    CLAIM_SECONDS,
    PROCESSING,
    SEEN_ID_SECONDS,
)
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.signals import user_deactivated
from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis

pytestmark = pytest.mark.django_db

URL = "/api/webhooks/supabase-auth/"
SUPABASE_BUDGET_SECONDS = 5.0


def new_secret() -> str:
    return "v1,whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_of(secret: str) -> Webhook:
    # As Supabase's own examples do: the library takes "whsec_...", without the "v1," version.
    return Webhook(secret.removeprefix("v1,"))


@pytest.fixture
def hook_secret(settings: Settings) -> str:
    settings.SUPABASE_AUTH_HOOK_SECRET = new_secret()
    return str(settings.SUPABASE_AUTH_HOOK_SECRET)


@pytest.fixture
def delivery_ids() -> Iterator[list[str]]:
    """The webhook-ids a test sends; their keys are deleted from the shared Redis afterwards."""
    ids: list[str] = []
    yield ids
    with contextlib.suppress(RedisError):  # a test's own Redis, stopped: nothing to clean
        redis_client("durable").delete(*(f"auth-hooks:seen:{i}" for i in ids))


Deliver = Callable[..., Any]


@pytest.fixture
def deliver(hook_secret: str, delivery_ids: list[str]) -> Deliver:
    def send(
        payload: Any,
        *,
        webhook_id: str | None = None,
        at: datetime | None = None,
        secret: str | None = None,
        signature: str | None = None,
    ) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        webhook_id = webhook_id or new_id()
        delivery_ids.append(webhook_id)
        at = at or datetime.now(tz=timezone.utc)
        signed = webhook_of(secret or hook_secret).sign(webhook_id, at, body)
        headers = {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature or signed,
        }
        return Client().post(URL, body, content_type="application/json", headers=headers)

    return send


def new_id() -> str:
    """A webhook-id of this test's own: test runs share the durable Redis."""
    return f"msg_{uuid.uuid4().hex}"


def supabase_user(**fields: Any) -> dict[str, Any]:
    """A user object as Supabase Auth's hooks send it."""
    return {
        "id": str(uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "email": "ada@example.com",
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": {},
        "created_at": "2026-01-01T00:00:00Z",
        **fields,
    }


def before_user_created(user: dict[str, Any]) -> dict[str, Any]:
    metadata = {"uuid": str(uuid.uuid4()), "name": "before-user-created", "ip_address": "::1"}
    return {"metadata": metadata, "user": user}


def users_row(user: dict[str, Any]) -> dict[str, Any]:
    """A row of auth.users, as a database webhook carries it (raw_app_meta_data)."""
    row = {key: value for key, value in user.items() if key != "app_metadata"}
    return {**row, "raw_app_meta_data": user["app_metadata"], "deleted_at": None}


def table_change(kind: str, record: Any, old_record: Any = None) -> dict[str, Any]:
    return {
        "type": kind,
        "table": "users",
        "schema": "auth",
        "record": record,
        "old_record": old_record,
    }


def local(user: dict[str, Any]) -> User:
    return User.objects.get(supabase_id=user["id"])


def assert_refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    # Supabase Auth shows a refusing hook's `error.message` (a refused sign-up fails with it).
    assert body["error"] == {"http_code": status, "message": body["detail"]}


# Creating, changing and deactivating


def test_a_before_user_created_hook_creates_the_local_user_and_lets_the_sign_up_go_ahead(
    deliver: Deliver,
) -> None:
    user = supabase_user(app_metadata={"roles": ["staff", "editor"]})

    response = deliver(before_user_created(user))

    assert response.status_code == 200, response.content
    assert response.json() == {}  # what a Before User Created hook answers to allow the sign-up
    created = local(user)
    assert (created.email, created.supabase_roles) == ("ada@example.com", ["editor", "staff"])
    assert created.is_staff
    assert created.is_active


def test_an_insert_into_auth_users_creates_the_local_user(deliver: Deliver) -> None:
    user = supabase_user(email="grace@example.com")

    assert deliver(table_change("INSERT", users_row(user))).status_code == 200

    assert local(user).email == "grace@example.com"


def test_an_update_changes_the_email_and_roles_without_a_new_user(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    changed = {**user, "email": "ada@new.example.com", "app_metadata": {"roles": ["staff"]}}

    response = deliver(table_change("UPDATE", users_row(changed), users_row(user)))

    assert response.status_code == 200
    assert User.objects.filter(supabase_id=user["id"]).count() == 1
    updated = local(user)
    assert (updated.email, updated.supabase_roles, updated.is_staff) == (
        "ada@new.example.com",
        ["staff"],
        True,
    )


def test_an_update_for_a_user_never_seen_creates_them(deliver: Deliver) -> None:
    # The INSERT may have been sent before the endpoint was registered.
    user = supabase_user()

    assert deliver(table_change("UPDATE", users_row(user), users_row(user))).status_code == 200

    assert local(user).is_active


def test_a_deletion_deactivates_the_user_and_announces_it_after_the_commit(
    deliver: Deliver, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    announced: list[int] = []

    def receiver(sender: object, *, user_id: int, **kwargs: object) -> None:
        announced.append(user_id)

    user_deactivated.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = deliver(table_change("DELETE", None, users_row(user)))
    finally:
        user_deactivated.disconnect(receiver)

    assert response.status_code == 200, response.content
    deactivated = local(user)  # kept: what the user owns is the project's to decide about
    assert not deactivated.is_active
    assert announced == [deactivated.pk]
    assert len(callbacks) >= 1


def test_a_soft_deletion_deactivates_the_user(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    deleted = {**users_row(user), "deleted_at": "2026-01-02T00:00:00Z"}

    assert deliver(table_change("UPDATE", deleted, users_row(user))).status_code == 200

    assert not local(user).is_active


def test_a_ban_deactivates_the_user_and_its_lifting_does_not_reactivate(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    # As Postgres writes a timestamptz into JSON: a space, and an hour-only offset.
    banned = {**users_row(user), "banned_until": "2999-01-01 00:00:00+00"}

    assert deliver(table_change("UPDATE", banned, users_row(user))).status_code == 200
    assert not local(user).is_active

    lifted = {**users_row(user), "banned_until": None}
    assert deliver(table_change("UPDATE", lifted, banned)).status_code == 200
    assert not local(user).is_active  # the project reactivates, as after any deactivation


def test_a_ban_that_has_ended_changes_nothing(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    ended = {**users_row(user), "banned_until": "2020-01-01T00:00:00Z"}

    assert deliver(table_change("UPDATE", ended, users_row(user))).status_code == 200

    assert local(user).is_active


def test_a_banned_until_that_is_no_timestamp_is_a_400(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    garbled = {**users_row(user), "banned_until": "next tuesday"}

    response = deliver(table_change("UPDATE", garbled, users_row(user)))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payload"
    assert local(user).is_active


def test_a_deleted_user_stays_deactivated_whatever_later_updates_say(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    deliver(table_change("DELETE", None, users_row(user)))

    deliver(table_change("UPDATE", users_row(user), users_row(user)))

    assert not local(user).is_active


def test_deleting_a_user_never_seen_is_accepted_and_creates_nobody(deliver: Deliver) -> None:
    user = supabase_user()

    assert deliver(table_change("DELETE", None, users_row(user))).status_code == 200

    assert not User.objects.filter(supabase_id=user["id"]).exists()


def test_a_delivery_is_answered_well_within_supabases_5_s_budget(deliver: Deliver) -> None:
    deliver(before_user_created(supabase_user()))  # first request: imports, connections
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = deliver(before_user_created(supabase_user()))
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(f"delivery answered in {sorted(timings)[2] * 1000:.1f} ms (median of 5)")
    assert max(timings) < SUPABASE_BUDGET_SECONDS


# Signatures and timestamps


def test_a_delivery_signed_with_another_secret_is_refused_and_changes_nothing(
    deliver: Deliver,
) -> None:
    user = supabase_user()

    response = deliver(before_user_created(user), secret=new_secret())

    assert_refused(response, 401, "invalid_signature")
    assert not User.objects.filter(supabase_id=user["id"]).exists()


def test_a_body_changed_after_signing_is_refused(deliver: Deliver, hook_secret: str) -> None:
    user = supabase_user()
    at = datetime.now(tz=timezone.utc)
    original = json.dumps(before_user_created(user)).encode()
    webhook_id = new_id()
    signature = webhook_of(hook_secret).sign(webhook_id, at, original)
    tampered = original.replace(b"ada@example.com", b"eve@example.com")

    response = deliver(tampered, webhook_id=webhook_id, at=at, signature=signature)

    assert_refused(response, 401, "invalid_signature")


def test_a_delivery_without_signature_headers_is_refused(hook_secret: str) -> None:
    body = json.dumps(before_user_created(supabase_user()))

    response = Client().post(URL, body, content_type="application/json")

    assert_refused(response, 401, "invalid_signature")


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_delivery_timestamped_over_5_minutes_from_now_is_refused(
    deliver: Deliver, minutes: int
) -> None:
    user = supabase_user()
    at = datetime.now(tz=timezone.utc) + timedelta(minutes=minutes)

    response = deliver(before_user_created(user), at=at)

    assert_refused(response, 401, "invalid_signature")
    assert not User.objects.filter(supabase_id=user["id"]).exists()


def test_any_of_several_secrets_verifies_so_a_secret_can_be_rotated(
    deliver: Deliver, settings: Settings, hook_secret: str
) -> None:
    previous = new_secret()
    settings.SUPABASE_AUTH_HOOK_SECRET = f"{hook_secret}|{previous}"

    assert deliver(before_user_created(supabase_user()), secret=previous).status_code == 200
    assert deliver(before_user_created(supabase_user()), secret=hook_secret).status_code == 200


def test_without_a_secret_the_endpoint_accepts_nothing(settings: Settings) -> None:
    settings.SUPABASE_AUTH_HOOK_SECRET = ""

    response = Client().post(URL, b"{}", content_type="application/json")

    assert_refused(response, 503, "auth_hook_not_configured")


# Replays and retries


def test_a_delivery_sent_again_is_answered_200_and_applied_once(deliver: Deliver) -> None:
    user = supabase_user()
    deliver(before_user_created(user))
    first, first_id = {**user, "email": "first@example.com"}, new_id()
    deliver(table_change("UPDATE", users_row(first)), webhook_id=first_id)
    deliver(table_change("UPDATE", users_row({**user, "email": "second@example.com"})))

    replayed = deliver(table_change("UPDATE", users_row(first)), webhook_id=first_id)

    assert replayed.status_code == 200
    assert replayed.json() == {}
    assert local(user).email == "second@example.com"  # the older change was not applied again


def test_an_applied_delivery_id_is_kept_longer_than_the_timestamp_tolerance(
    deliver: Deliver,
) -> None:
    webhook_id = new_id()
    deliver(before_user_created(supabase_user()), webhook_id=webhook_id)

    ttl = redis_client("durable").ttl(f"auth-hooks:seen:{webhook_id}")

    assert 10 * 60 < ttl <= SEEN_ID_SECONDS  # 5 min either side of now, and some


def test_a_delivery_whose_twin_is_being_applied_is_answered_409(
    deliver: Deliver, delivery_ids: list[str]
) -> None:
    webhook_id = new_id()
    redis_client("durable").set(f"auth-hooks:seen:{webhook_id}", PROCESSING, ex=CLAIM_SECONDS)
    user = supabase_user()

    response = deliver(before_user_created(user), webhook_id=webhook_id)

    assert_refused(response, 409, "delivery_in_progress")
    assert not User.objects.filter(supabase_id=user["id"]).exists()


def test_a_forged_delivery_does_not_spend_the_id_of_a_real_one(deliver: Deliver) -> None:
    user = supabase_user()
    webhook_id = new_id()
    forged = deliver(before_user_created(user), webhook_id=webhook_id, secret=new_secret())

    real = deliver(before_user_created(user), webhook_id=webhook_id)

    assert forged.status_code == 401
    assert real.status_code == 200
    assert local(user).is_active


def test_with_the_durable_redis_down_deliveries_are_refused_not_applied_unchecked(
    deliver: Deliver, own_redis: OwnRedis, settings: Settings
) -> None:
    settings.REDIS_DURABLE_URL = own_redis.url()
    own_redis.stop()
    user = supabase_user()

    response = deliver(before_user_created(user))

    assert_refused(response, 503, "deliveries_unavailable")
    assert not User.objects.filter(supabase_id=user["id"]).exists()


# Bad input


def test_a_body_over_20_kb_is_refused_before_its_signature_is_checked(hook_secret: str) -> None:
    padding = "x" * MAX_BODY_BYTES
    body = json.dumps(before_user_created(supabase_user(user_metadata={"bio": padding})))

    response = Client().post(URL, body, content_type="application/json")  # not even signed

    assert_refused(response, 413, "request_too_large")


def test_a_body_just_under_20_kb_is_accepted(deliver: Deliver) -> None:
    payload = before_user_created(supabase_user(user_metadata={"bio": ""}))
    room = MAX_BODY_BYTES - len(json.dumps(payload).encode())
    payload["user"]["user_metadata"]["bio"] = "x" * room

    assert deliver(payload).status_code == 200


def test_a_signed_body_that_is_not_json_is_a_400(deliver: Deliver) -> None:
    assert_refused(deliver(b'{"user": '), 400, "parse_error")


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2],
        {"metadata": {}, "user": "ada"},
        {"metadata": {}, "user": {"id": "not-a-uuid"}},
        {"metadata": {}, "user": {"id": str(uuid.uuid4()), "email": 42}},
        {"metadata": {}, "user": {"id": str(uuid.uuid4()), "email": "a\x00@example.com"}},
        {"type": "INSERT", "table": "profiles", "schema": "public", "record": {}},
        {"type": "TRUNCATE", "table": "users", "schema": "auth", "record": None},
        {"type": "DELETE", "table": "users", "schema": "auth", "old_record": None},
        {"hello": "world"},
    ],
)
def test_a_signed_body_that_is_no_auth_event_is_a_400_that_changes_nothing(
    deliver: Deliver, payload: Any
) -> None:
    users_before = User.objects.count()

    assert_refused(deliver(payload), 400, "invalid_payload")

    assert User.objects.count() == users_before


# Configuration and documentation


@pytest.mark.parametrize(
    "secret",
    [
        "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),  # without "v1,"
        "v1,whsec_not base64!",
        "v1,whsec_" + base64.b64encode(b"short").decode(),
        new_secret() + "|v1,whsec_",
    ],
)
def test_a_malformed_secret_fails_the_system_checks(settings: Settings, secret: str) -> None:
    settings.SUPABASE_AUTH_HOOK_SECRET = secret

    ids = [message.id for message in run_checks()]

    assert check_id("E046") in ids


@pytest.mark.parametrize("secret", ["", new_secret(), f"{new_secret()}|{new_secret()}"])
def test_an_empty_or_well_formed_secret_passes_the_system_checks(
    settings: Settings, secret: str
) -> None:
    settings.SUPABASE_AUTH_HOOK_SECRET = secret

    assert check_id("E046") not in [message.id for message in run_checks()]


def test_the_schema_documents_the_signature_headers_and_every_refusal() -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["post"]

    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert {"200", "400", "401", "409", "413", "503"} <= operation["responses"].keys()
    assert "invalid_signature" in operation["responses"]["401"]["description"]


def documented_sql(start: str) -> str:
    """The statement of docs/auth-webhooks.md that begins with `start`."""
    text = (django_settings.BASE_DIR / "docs" / "auth-webhooks.md").read_text()
    begin = text.index(start)
    return text[begin : text.index("end $$;", begin) + len("end $$;")]


def install_pgcrypto_in_extensions_schema() -> None:
    """Where Supabase has it (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("create schema if not exists extensions")
        cursor.execute("create schema if not exists private")
        cursor.execute(
            "select extnamespace::regnamespace::text from pg_extension where extname = 'pgcrypto'"
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("create extension pgcrypto with schema extensions")
        elif row[0] != "extensions":
            cursor.execute("alter extension pgcrypto set schema extensions")


def test_the_documented_trigger_signs_deliveries_the_endpoint_accepts(hook_secret: str) -> None:
    install_pgcrypto_in_extensions_schema()
    user = supabase_user()
    body = json.dumps(table_change("INSERT", users_row(user)))
    signing = documented_sql("create or replace function private.standard_webhook_headers")
    with connection.cursor() as cursor:
        cursor.execute(signing)
        cursor.execute("select private.standard_webhook_headers(%s, %s)", [body, hook_secret])
        headers = json.loads(cursor.fetchone()[0])

    response = Client().post(URL, body, content_type="application/json", headers=headers)

    assert response.status_code == 200, response.content
    assert local(user).is_active
