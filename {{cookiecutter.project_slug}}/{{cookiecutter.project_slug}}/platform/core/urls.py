from django.urls import path

from {{ cookiecutter.project_slug }}.platform.core.apis import HealthLiveApi, HealthReadyApi

urlpatterns = [
    # Readiness, under its first name too: compose files and load balancers probe it.
    path("health/", HealthReadyApi.as_view(), name="health"),
    path("health/ready/", HealthReadyApi.as_view(), name="health-ready"),
    path("health/live/", HealthLiveApi.as_view(), name="health-live"),
]
