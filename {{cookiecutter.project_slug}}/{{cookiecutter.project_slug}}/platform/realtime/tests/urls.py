"""The project's URLs plus a view of what a live server holds for its event streams.

A live server loads it when started with TEST_ROOT_URLCONF set to this module (see
config/settings/test.py); production settings never do.
"""

import gc

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

from {{ cookiecutter.project_slug }}.platform.realtime.hub import current_hub
from {{ cookiecutter.project_slug }}.platform.realtime.selectors import (
    address_connection_lease_count,
    connection_lease_count,
)
from {{ cookiecutter.project_slug }}.platform.realtime.views import process_slots

HOLDINGS_URL = "/test/realtime/streams/"

__all__ = ["HOLDINGS_URL", "handler404", "handler500", "urlpatterns"]


async def stream_holdings(request: HttpRequest) -> JsonResponse:
    """The hub's client queues, the process's stream slots, `?user=`'s leases and those of
    `?address=` (default 127.0.0.1, the tests' own). Async: the hub belongs to the server's
    event loop."""
    # A response dropped by a cancelled request is unreachable but may sit in a reference cycle
    # until the collector runs: collect first, so what is counted is what is really held.
    gc.collect()
    leases = await sync_to_async(connection_lease_count, thread_sensitive=False)(
        user_id=int(request.GET["user"])
    )
    address_leases = await sync_to_async(address_connection_lease_count, thread_sensitive=False)(
        address=request.GET.get("address", "127.0.0.1")
    )
    return JsonResponse(
        {
            "hub_clients": current_hub().client_count(),
            "process_streams": process_slots.taken,
            "user_leases": leases,
            "address_leases": address_leases,
        }
    )


urlpatterns = [path(HOLDINGS_URL.strip("/") + "/", stream_holdings), *project_urlpatterns]
