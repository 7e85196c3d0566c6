"""The project's URLs plus the harness app's: the test settings' ROOT_URLCONF (settings/test.py)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from {{ cookiecutter.project_slug }}.testing.harness_app.apis import (
    HarnessApi,
{%- if cookiecutter.use_celery == "y" %}
    HarnessJobApi,
{%- endif %}
    HarnessPublicApi,
)

HARNESS_URL = "/api/test/harness/"
HARNESS_PUBLIC_URL = "/api/test/harness/public/"
{%- if cookiecutter.use_celery == "y" %}
HARNESS_JOB_URL = "/api/test/harness/job/"
{%- endif %}

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    path(HARNESS_URL.lstrip("/"), HarnessApi.as_view()),
    path(HARNESS_PUBLIC_URL.lstrip("/"), HarnessPublicApi.as_view()),
{%- if cookiecutter.use_celery == "y" %}
    path(HARNESS_JOB_URL.lstrip("/"), HarnessJobApi.as_view()),
{%- endif %}
    *project_urlpatterns,
]
