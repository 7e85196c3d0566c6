"""The API's JSON renderer (DEFAULT_RENDERER_CLASSES): DRF's, which also embeds JSON text the API
encoded earlier, such as a page of results kept in the cache, as it is.

A cached read would otherwise decode the JSON it fetched into dicts and lists, only for the
renderer to encode the same dicts and lists again: for a page of 20 notes that round trip through
Python objects was a tenth of the request (docs/web-servers.md).
"""

import secrets
from collections.abc import Mapping
from typing import Any

from rest_framework import renderers


class EncodedJSON(str):
    """JSON text from `encode_json`, embedded by the renderer as it is."""


def encode_json(data: Any) -> EncodedJSON:
    """`data` as the API's renderer writes it (compact, UTF-8, U+2028/2029 escaped)."""
    return EncodedJSON(JSONRenderer().render(data).decode())


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer; EncodedJSON values of a top-level dict are embedded, not re-encoded."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        encoded = (
            {key: value for key, value in data.items() if type(value) is EncodedJSON}
            if isinstance(data, dict)
            else {}
        )
        if not encoded:
            return super().render(data, accepted_media_type, renderer_context)
        # Each one is written as a placeholder string nobody can guess (the other values may
        # carry a client's text, a URL's query for one), which is then replaced by the text.
        placeholders = {key: f"encoded-json:{secrets.token_hex(16)}" for key in encoded}
        rendered = super().render({**data, **placeholders}, accepted_media_type, renderer_context)
        for key, placeholder in placeholders.items():
            rendered = rendered.replace(f'"{placeholder}"'.encode(), encoded[key].encode(), 1)
        return rendered
