"""The project's URLs plus the floor view: the URLconf of the servers `make bench-http` starts."""

from django.urls import path

from benchmarks.floor import FLOOR_PATH, FloorApi
from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [path(FLOOR_PATH.lstrip("/"), FloorApi.as_view()), *project_urlpatterns]
