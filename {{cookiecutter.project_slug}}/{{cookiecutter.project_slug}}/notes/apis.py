from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.core.pagination import page_serializer, paginated_response
from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.notes.selectors import note_get, note_list
from {{ cookiecutter.project_slug }}.notes.services import note_create, note_delete, note_update


class NoteOutputSerializer(serializers.ModelSerializer[Note]):
    class Meta:
        model = Note
        fields = ("id", "title", "body", "created_at", "updated_at")


class NoteInputSerializer(serializers.Serializer[Note]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(allow_blank=True, required=False, default="")


NotePageSerializer = page_serializer("NotePage", NoteOutputSerializer)
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("page_size", int, description="Notes per page (at most 100)."),
]


def requesting_user(request: Request) -> User:
    # IsAuthenticated (the default permission) has already turned away anonymous requests.
    assert isinstance(request.user, User)
    return request.user


class NoteListCreateApi(APIView):
    @extend_schema(
        operation_id="notes_list",
        parameters=PAGE_PARAMETERS,
        responses=NotePageSerializer,
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            view=self,
            queryset=note_list(owner=requesting_user(request)),
            serializer_class=NoteOutputSerializer,
        )

    @extend_schema(request=NoteInputSerializer, responses={201: NoteOutputSerializer})
    def post(self, request: Request) -> Response:
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_create(owner=requesting_user(request), **data.validated_data)
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteDetailApi(APIView):
    @extend_schema(responses=NoteOutputSerializer)
    def get(self, request: Request, note_id: int) -> Response:
        note = note_get(owner=requesting_user(request), note_id=note_id)
        return Response(NoteOutputSerializer(note).data)

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
