from django.urls import path

from {{ cookiecutter.project_slug }}.platform.jobs.apis import JobStatusApi

urlpatterns = [
    path("<uuid:job_id>/", JobStatusApi.as_view(), name="job-status"),
]
