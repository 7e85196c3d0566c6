"""Supabase Auth access-token claims for tests: what Supabase issues for a signed-in user."""

import time
import uuid
from typing import Any


def supabase_claims(*, project_url: str, **overrides: Any) -> dict[str, Any]:
    """A new user's claims for the project at `project_url`, valid for an hour. An override
    replaces a claim; an override of None leaves that claim out."""
    now = int(time.time())
    base = {
        "sub": str(uuid.uuid4()),
        "aud": "authenticated",
        "iss": f"{project_url}/auth/v1",
        "exp": now + 3600,
        "iat": now,
        "email": "ada@example.com",
        "role": "authenticated",
        "app_metadata": {"provider": "email"},
    }
    return {key: value for key, value in {**base, **overrides}.items() if value is not None}
