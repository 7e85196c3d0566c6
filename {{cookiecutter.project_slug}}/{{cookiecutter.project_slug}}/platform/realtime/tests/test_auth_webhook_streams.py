"""A user deleted in Supabase loses their open event streams at once, not at the next renewal: a
live uvicorn server receives the signed deletion and ends the streams."""

import asyncio
import base64
import json
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.realtime.services import stream_token_issue
from {{ cookiecutter.project_slug }}.platform.realtime.tests.test_stream_grants import Streams
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer

pytestmark = pytest.mark.django_db(transaction=True)

HOOK_URL = "/api/webhooks/supabase-auth/"
STREAM = "/api/events/stream/"
HEARTBEAT_SECONDS = 30.0


def signed_deletion(secret: str, supabase_id: str) -> tuple[bytes, dict[str, str]]:
    row = {"id": supabase_id, "email": "ada@example.com", "raw_app_meta_data": {}}
    change = {"type": "DELETE", "table": "users", "schema": "auth", "record": None}
    body = json.dumps({**change, "old_record": row}).encode()
    webhook_id, now = f"msg_{uuid.uuid4().hex}", datetime.now(tz=timezone.utc)
    signature = Webhook(secret.removeprefix("v1,")).sign(webhook_id, now, body)
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    return body, headers


def test_a_user_deleted_in_supabase_loses_their_open_streams_at_once(
    start_server: Callable[..., LiveServer],
) -> None:
    secret = "v1,whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    # Renewals (which would close the streams anyway) are far apart: what ends them is the hook.
    server = start_server(
        SUPABASE_AUTH_HOOK_SECRET=secret, REALTIME_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS)
    )
    supabase_id = str(uuid.uuid4())
    user = User.objects.create(username="ada", supabase_id=supabase_id)
    urls = [f"{server.url}{STREAM}?token={stream_token_issue(user=user)}" for _ in range(2)]

    async def scenario() -> tuple[list[str], float]:
        async with httpx.AsyncClient() as http:
            streams = Streams(http, user)
            await streams.open(*urls)
            await streams.all_receive("before")
            body, headers = signed_deletion(secret, supabase_id)
            started = time.monotonic()
            response = await http.post(f"{server.url}{HOOK_URL}", content=body, headers=headers)
            assert response.status_code == 200, response.text
            ended = await streams.ended_by_the_server(timeout=10)
            return ended, time.monotonic() - started

    last_events, seconds = asyncio.run(scenario())

    assert last_events == ["stream.closed", "stream.closed"]
    print(f"streams closed {seconds * 1000:.0f} ms after the deletion was posted")
    assert seconds < HEARTBEAT_SECONDS / 3
    user.refresh_from_db()
    assert not user.is_active
