from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.core.schema import error_responses
from {{ cookiecutter.project_slug }}.platform.core.serializers import (
    InputSerializer,
    StrictCharField,
)
from {{ cookiecutter.project_slug }}.platform.files.services import (
    MAX_PATH_LENGTH,
    RELATIVE_PATH,
    file_download_url,
    file_upload_url,
)
from {{ cookiecutter.project_slug }}.platform.integrations.supabase.storage import (
    StorageObjectNotFound,
    StorageUnavailable,
)


class FileNotFound(exceptions.NotFound):
    default_detail = "There is no file at this path."
    default_code = "file_not_found"


class FileStorageUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "File storage cannot be reached right now; try again shortly."
    default_code = "storage_unavailable"


class PathSerializer(InputSerializer[None]):
    path = StrictCharField(
        help_text="Relative to your own folder, e.g. 'photos/cat.png'.",
        max_length=MAX_PATH_LENGTH,
        # The service's own rule, in the schema as a pattern; spaces are part of a path.
        validators=[RegexValidator(RELATIVE_PATH)],
        trim_whitespace=False,
    )


class SignedUploadSerializer(serializers.Serializer[dict[str, str]]):
    url = serializers.URLField(help_text="PUT the file here, with the token.")
    token = serializers.CharField()
    path = serializers.CharField(help_text="The object's path in the bucket.")


class SignedDownloadSerializer(serializers.Serializer[dict[str, str]]):
    url = serializers.URLField()


class FileUploadUrlApi(APIView):
    @extend_schema(
        request=PathSerializer,
        responses={200: SignedUploadSerializer, **error_responses(FileStorageUnavailable)},
    )
    def post(self, request: Request) -> Response:
        data = PathSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            signed = file_upload_url(user=requesting_user(request), **data.validated_data)
        except (StorageObjectNotFound, StorageUnavailable) as error:  # nothing to find on upload
            raise FileStorageUnavailable() from error
        return Response(SignedUploadSerializer(signed).data)


class FileDownloadUrlApi(APIView):
    @extend_schema(
        parameters=[PathSerializer],
        responses={
            200: SignedDownloadSerializer,
            **error_responses(FileNotFound, FileStorageUnavailable),
        },
    )
    def get(self, request: Request) -> Response:
        data = PathSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        try:
            url = file_download_url(user=requesting_user(request), **data.validated_data)
        except StorageObjectNotFound as error:
            raise FileNotFound() from error
        except StorageUnavailable as error:
            raise FileStorageUnavailable() from error
        return Response(SignedDownloadSerializer({"url": url}).data)
