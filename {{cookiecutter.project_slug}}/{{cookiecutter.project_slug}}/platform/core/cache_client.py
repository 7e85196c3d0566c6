"""django-redis's client for the project's caches: its DefaultClient, reading a JSON value without
first trying it as an integer.

django-redis stores integers bare (so that INCR works on them) and every other value serialized,
and its decode tries int() on every value it reads before deserializing it. On a JSON value that
int() fails, and its error message holds the value's whole repr: microseconds on a small value, a
copy of the page on a cached page of the API. A value that starts with `{`, `[` or `"` is never a
bare integer, so it goes straight to the serializer; anything else is decoded as django-redis
does.
"""

from typing import Any

from django_redis.client import DefaultClient
from django_redis.compressors.identity import IdentityCompressor

# The first bytes of a JSON object, array or string (core/cache_serializers.py writes no spaces).
JSON_CONTAINER_STARTS = frozenset(b'{["')


class ProjectCacheClient(DefaultClient):
    def decode(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            isinstance(value, bytes)
            and value
            and value[0] in JSON_CONTAINER_STARTS
            and isinstance(self._compressor, IdentityCompressor)  # compressed bytes start anyhow
        ):
            return self._serializer.loads(value)
        return super().decode(value, *args, **kwargs)
