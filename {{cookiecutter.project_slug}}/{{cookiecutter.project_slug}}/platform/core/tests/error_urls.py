"""The project's URLs plus plain Django views (not DRF) that fail the ways Django reports itself,
to prove the project's error handlers answer them."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Traceback-worthy internals must not reach the client.")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("Traceback-worthy internals must not reach the client.")


def form_reader(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(len(request.POST)))


urlpatterns = [
    path("plain/forbidden/", forbidden),
    path("plain/suspicious/", suspicious),
    path("plain/form/", form_reader),
    *project_urlpatterns,
]
