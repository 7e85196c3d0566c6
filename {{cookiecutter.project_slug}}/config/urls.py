from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from {{ cookiecutter.project_slug }}.platform.core.error_views import api_not_found
from {{ cookiecutter.project_slug }}.platform.observability.metrics_http import metrics_view
from {{ cookiecutter.project_slug }}.platform.rate_limit.decorators import rate_limit
{%- if cookiecutter.use_realtime == "y" %}
from {{ cookiecutter.project_slug }}.platform.realtime.views import realtime_page
{%- endif %}

urlpatterns = [
{%- if cookiecutter.use_realtime == "y" %}
    # First: an open event stream keeps its URL match, with every pattern tried before it, for as
    # long as it streams (hours, times every client).
    path("api/events/", include("{{ cookiecutter.project_slug }}.platform.realtime.urls")),
{%- endif %}
    # The admin's login form is a plain Django view: the decorator guards it against guessing.
    path("admin/login/", rate_limit(limit=20, period=60, scope="admin-login")(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/", include("{{ cookiecutter.project_slug }}.platform.core.urls")),
    path("api/", include("{{ cookiecutter.project_slug }}.platform.accounts.urls")),
{%- if cookiecutter.include_example == "y" %}
    path("api/notes/", include("{{ cookiecutter.project_slug }}.notes.urls")),
{%- endif %}
{%- if cookiecutter.use_supabase_storage == "y" %}
    path("api/files/", include("{{ cookiecutter.project_slug }}.platform.files.urls")),
{%- endif %}
{%- if cookiecutter.use_realtime == "y" %}
    path("realtime/", realtime_page, name="realtime-page"),
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
    path("api/jobs/", include("{{ cookiecutter.project_slug }}.platform.jobs.urls")),
{%- endif %}
    # make app: new apps' URLs go above this line (before the /api/ catch-all below).
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other path under /api/ is a JSON 404 even with DEBUG on (Django's debug 404 page
    # is HTML, and handler404 only answers when DEBUG is off). It also stands in for
    # APPEND_SLASH's redirect, which would drop a POST's body.
    re_path(r"^api/", api_not_found),
]

if settings.METRICS_ENABLED:
    # For Prometheus, from METRICS_ALLOWED_NETWORKS only (docs/metrics.md).
    urlpatterns.insert(0, path("metrics", metrics_view, name="metrics"))

handler400 = "{{ cookiecutter.project_slug }}.platform.core.error_views.bad_request"
handler403 = "{{ cookiecutter.project_slug }}.platform.core.error_views.permission_denied"
handler404 = "{{ cookiecutter.project_slug }}.platform.core.error_views.not_found"
handler500 = "{{ cookiecutter.project_slug }}.platform.core.error_views.server_error"
