from django.conf import settings
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.notes.models import Note{% if cookiecutter.use_celery == "y" %}, NoteSummary{% endif %}
from {{ cookiecutter.project_slug }}.notes.selectors import (
    STATS_CACHE_SECONDS,
    NoteStats,
    note_get,
    note_get_data,
    note_list_page,
    note_stats,
)
from {{ cookiecutter.project_slug }}.notes.serializers import NoteOutputSerializer
from {{ cookiecutter.project_slug }}.notes.services import note_create, note_delete, note_update
{%- if cookiecutter.use_celery == "y" %}
from {{ cookiecutter.project_slug }}.notes.summary import note_summary_get, note_summary_request
{%- endif %}
from {{ cookiecutter.project_slug }}.platform.accounts.claims import CallerClaimsMixin
from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.core.pagination import (
    PageQuerySerializer,
    page_request,
    page_response,
    page_serializer,
)
from {{ cookiecutter.project_slug }}.platform.core.schema import error_responses
from {{ cookiecutter.project_slug }}.platform.core.serializers import (
    InputSerializer,
    StrictCharField,
)
{%- if cookiecutter.use_celery == "y" %}
from {{ cookiecutter.project_slug }}.platform.jobs.responses import (
    JobAcceptedSerializer,
    job_accepted_response,
)
{%- endif %}


class NoteInputSerializer(InputSerializer[Note]):
    title = StrictCharField(max_length=200)
    # Bounded: every cached read of the note carries its body (the schema shows maxLength).
    # Kept as written: leading spaces and blank lines can be part of a text.
    body = StrictCharField(
        allow_blank=True,
        required=False,
        default="",
        max_length=settings.NOTE_BODY_MAX_LENGTH,
        trim_whitespace=False,
    )


NotePageSerializer = page_serializer("NotePage", NoteOutputSerializer)


# Under the caller's claims (platform/accounts/claims.py): row-level security policies on the
# notes hold even where a selector forgets the owner.
class NoteListCreateApi(CallerClaimsMixin, APIView):
    @extend_schema(
        operation_id="notes_list",
        parameters=[PageQuerySerializer],
        # 404: a page past the last one.
        responses={200: NotePageSerializer, **error_responses(NotFound)},
    )
    def get(self, request: Request) -> Response:
        asked = page_request(request)
        page = note_list_page(
            owner=requesting_user(request), page=asked.page, page_size=asked.page_size
        )
        return page_response(
            request=request, asked=asked, count=page["count"], results=page["results"]
        )

    @extend_schema(request=NoteInputSerializer, responses={201: NoteOutputSerializer})
    def post(self, request: Request) -> Response:
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_create(owner=requesting_user(request), **data.validated_data)
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteDetailApi(CallerClaimsMixin, APIView):
    @extend_schema(responses=NoteOutputSerializer)
    def get(self, request: Request, note_id: int) -> Response:
        return Response(note_get_data(owner=requesting_user(request), note_id=note_id))

    @extend_schema(request=NoteInputSerializer, responses=NoteOutputSerializer)
    def put(self, request: Request, note_id: int) -> Response:
        return self._update(request, note_id, partial=False)

    @extend_schema(request=NoteInputSerializer(partial=True), responses=NoteOutputSerializer)
    def patch(self, request: Request, note_id: int) -> Response:
        return self._update(request, note_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, note_id: int) -> Response:
        note_delete(note=note_get(owner=requesting_user(request), note_id=note_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request: Request, note_id: int, *, partial: bool) -> Response:
        note = note_get(owner=requesting_user(request), note_id=note_id)
        data = NoteInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        note = note_update(note=note, **data.validated_data)
        return Response(NoteOutputSerializer(note).data)


class NoteStatsSerializer(serializers.Serializer[NoteStats]):
    notes = serializers.IntegerField()
    authors = serializers.IntegerField()


class NoteStatsApi(APIView):
    """Public totals, up to STATS_CACHE_SECONDS old: a short-lived public cached view.

    Not with Django's `cache_page`: it caches whole HttpResponse objects, which only pickle can
    store, and the cache holds JSON only (loading a pickle planted in Redis would run its code).
    The selector caches the totals instead, and Cache-Control lets browsers and proxies keep the
    response as long."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(responses=NoteStatsSerializer)
    def get(self, request: Request) -> Response:
        response = Response(NoteStatsSerializer(note_stats()).data)
        patch_cache_control(response, public=True, max_age=STATS_CACHE_SECONDS)
        return response
{%- if cookiecutter.use_celery == "y" %}


class NoteSummaryOutputSerializer(serializers.ModelSerializer[NoteSummary]):
    class Meta:
        model = NoteSummary
        fields = ("note_count", "word_count", "updated_at")


class NoteSummaryApi(CallerClaimsMixin, APIView):
    """The user's note totals, computed by a Celery worker."""

    # 404 until the first summary is computed.
    @extend_schema(responses={200: NoteSummaryOutputSerializer, **error_responses(NotFound)})
    def get(self, request: Request) -> Response:
        summary = note_summary_get(owner=requesting_user(request))
        return Response(NoteSummaryOutputSerializer(summary).data)

    @extend_schema(request=None, responses={202: JobAcceptedSerializer})
    def post(self, request: Request) -> Response:
        job = note_summary_request(owner=requesting_user(request))
        return job_accepted_response(request=request, job=job)
{%- endif %}
