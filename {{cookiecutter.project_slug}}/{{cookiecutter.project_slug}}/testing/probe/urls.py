"""The project's URLs plus the probe's: the test settings' ROOT_URLCONF (settings/test.py)."""

from importlib import import_module
from importlib.util import find_spec

from django.urls import URLPattern, path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from {{ cookiecutter.project_slug }}.testing.probe.apis import ProbeApi, ProbePublicApi

PROBE_URL = "/api/test/probe/"
PROBE_PUBLIC_URL = "/api/test/probe/public/"
PROBE_JOB_URL = "/api/test/probe/job/"
# The job probe, a module of this package: present in a project that runs background jobs.
JOB_APIS = ".job_apis"

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def job_probe_urlpatterns() -> list[URLPattern]:
    if find_spec(JOB_APIS, __package__) is None:
        return []
    job_apis = import_module(JOB_APIS, __package__)
    return [path(PROBE_JOB_URL.lstrip("/"), job_apis.ProbeJobApi.as_view())]


urlpatterns = [
    path(PROBE_URL.lstrip("/"), ProbeApi.as_view()),
    path(PROBE_PUBLIC_URL.lstrip("/"), ProbePublicApi.as_view()),
    *job_probe_urlpatterns(),
    *project_urlpatterns,
]
