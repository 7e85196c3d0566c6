"""The project's URLs plus the harness app's: the test settings' ROOT_URLCONF (settings/test.py)."""

from importlib import import_module
from importlib.util import find_spec

from django.urls import URLPattern, path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

from {{ cookiecutter.project_slug }}.testing.harness_app.apis import HarnessApi, HarnessPublicApi

HARNESS_URL = "/api/test/harness/"
HARNESS_PUBLIC_URL = "/api/test/harness/public/"
HARNESS_JOB_URL = "/api/test/harness/job/"
# The job API, a module of this package: present in a project that runs background jobs.
JOB_APIS = ".job_apis"

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def job_harness_urlpatterns() -> list[URLPattern]:
    if find_spec(JOB_APIS, __package__) is None:
        return []
    job_apis = import_module(JOB_APIS, __package__)
    return [path(HARNESS_JOB_URL.lstrip("/"), job_apis.HarnessJobApi.as_view())]


urlpatterns = [
    path(HARNESS_URL.lstrip("/"), HarnessApi.as_view()),
    path(HARNESS_PUBLIC_URL.lstrip("/"), HarnessPublicApi.as_view()),
    *job_harness_urlpatterns(),
    *project_urlpatterns,
]
