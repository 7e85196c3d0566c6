"""The format of every value in the Django caches (CACHES[...]["OPTIONS"]["SERIALIZER"]): JSON.

django-redis pickles by default, and loading a pickle runs whatever code its bytes name: anyone who
can write one key in Redis (a leaked password, a port left open, another app on the same server)
would run code in every web process that reads it. JSON is data only, so what we cache is data
only: the API's output, a session's dict, documents fetched from other services; never model
instances or responses.

A value that is not JSON (a planted pickle, an entry from a release that still pickled) reads as
a miss, logged, instead of failing the request: the caller recomputes it and overwrites it.
"""

import json
import logging
from typing import Any

from django_redis.serializers.base import BaseSerializer

logger = logging.getLogger(__name__)
# One encoder for the process: json.dumps with any option builds a new one per call, a few
# microseconds of every cache write.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


class JSONSerializer(BaseSerializer):
    def dumps(self, value: Any) -> bytes:
        # Plain json, no DjangoJSONEncoder: a datetime or a model would come back as a string and
        # break its reader later; caching one fails here, where the bug is.
        return _ENCODER.encode(value).encode()

    def loads(self, value: bytes) -> Any:
        try:
            return json.loads(value)
        except (ValueError, RecursionError):  # ValueError covers bytes that are not UTF-8
            logger.warning(
                "A cache value is not JSON (planted, or written by an older release): "
                "read as a miss."
            )
            return None
