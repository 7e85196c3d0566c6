"""The answer of an API that enqueued a job, for any app's APIs (the job's own API is apis.py)."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.platform.jobs.models import Job


class JobAcceptedSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.UUIDField()
    status_url = serializers.URLField(help_text="Where to poll the job's state (GET).")


def job_accepted_response(*, request: Request, job: Job) -> Response:
    """202 for a job just enqueued: where to follow it."""
    status_url = request.build_absolute_uri(reverse("job-status", args=[job.id]))
    body = JobAcceptedSerializer({"id": job.id, "status_url": status_url}).data
    return Response(body, status=status.HTTP_202_ACCEPTED)
