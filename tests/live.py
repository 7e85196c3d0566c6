"""Talking to a running generated project: free ports, HTTP requests as the API's clients send
them, Supabase-style access tokens, and waiting for a condition."""

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import jwt


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def http(
    method: str, url: str, token: str = "", body: dict[str, object] | None = None
) -> tuple[int, Any]:
    headers = {"X-Forwarded-Proto": "https", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def healthy(url: str) -> bool:
    try:
        return http("GET", url)[0] == 200
    except OSError:
        return False


def supabase_token(supabase_url: str, jwt_secret: str, email: str) -> str:
    """An access token as a legacy Supabase project signs it (HS256, SUPABASE_JWT_SECRET), for a
    new user each time."""
    return jwt.encode(
        {
            "sub": str(uuid.uuid4()),
            "aud": "authenticated",
            "iss": f"{supabase_url}/auth/v1",
            "exp": int(time.time()) + 600,
            "email": email,
        },
        jwt_secret,
        algorithm="HS256",
    )


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
