from django.urls import path

from {{ cookiecutter.project_slug }}.platform.core.apis import HealthApi

urlpatterns = [
    path("health/", HealthApi.as_view(), name="health"),
]
