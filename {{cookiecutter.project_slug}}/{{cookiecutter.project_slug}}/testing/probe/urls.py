"""The project's URLs plus the probe's: the test settings' ROOT_URLCONF (settings/test.py)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from {{ cookiecutter.project_slug }}.testing.probe.apis import (
    ProbeApi,
{%- if cookiecutter.use_celery == "y" %}
    ProbeJobApi,
{%- endif %}
    ProbePublicApi,
)

PROBE_URL = "/api/test/probe/"
PROBE_PUBLIC_URL = "/api/test/probe/public/"
{%- if cookiecutter.use_celery == "y" %}
PROBE_JOB_URL = "/api/test/probe/job/"
{%- endif %}

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path(PROBE_URL.lstrip("/"), ProbeApi.as_view()),
    path(PROBE_PUBLIC_URL.lstrip("/"), ProbePublicApi.as_view()),
{%- if cookiecutter.use_celery == "y" %}
    path(PROBE_JOB_URL.lstrip("/"), ProbeJobApi.as_view()),
{%- endif %}
    *project_urlpatterns,
]
