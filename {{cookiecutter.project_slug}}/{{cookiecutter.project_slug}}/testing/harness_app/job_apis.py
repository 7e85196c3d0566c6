"""The harness app's background job: an API that enqueues a task through the platform's jobs."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.jobs.responses import job_accepted_response
from {{ cookiecutter.project_slug }}.platform.jobs.services import job_enqueue
from {{ cookiecutter.project_slug }}.testing.harness_app.tasks import harness_word_count


@extend_schema(exclude=True)  # test-only: not part of the API's documentation
class HarnessJobApi(APIView):
    """POST: enqueue the word count of the caller's stored name as a job."""

    def post(self, request: Request) -> Response:
        user = requesting_user(request)
        job = job_enqueue(
            owner=user,
            name="harness.word_count",
            send=lambda job_id: harness_word_count.apply_async(args=(user.pk,), task_id=job_id),
        )
        return job_accepted_response(request=request, job=job)
