from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.jobs.selectors import JobStatus, job_get, job_status

JOB_STATES = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED"]


class JobStatusSerializer(serializers.Serializer[JobStatus]):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=JOB_STATES)
    # One or the other: the result once it succeeded (null before), the error once it failed.
    result = serializers.JSONField(required=False, allow_null=True)
    error = serializers.CharField(required=False)

    def to_representation(self, instance: JobStatus) -> dict[str, Any]:
        body = super().to_representation(instance)
        body.pop("result" if instance.error is not None else "error")
        return body


class JobStatusApi(APIView):
    @extend_schema(responses=JobStatusSerializer)
    def get(self, request: Request, job_id: UUID) -> Response:
        job = job_get(owner=requesting_user(request), job_id=job_id)
        return Response(JobStatusSerializer(job_status(job=job)).data)
