from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.files.services import file_download_url, file_upload_url
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


class PathSerializer(serializers.Serializer[None]):
    path = serializers.CharField(help_text="Relative to your own folder, e.g. 'photos/cat.png'.")


class FileUploadUrlApi(APIView):
    @extend_schema(
        request=PathSerializer,
        responses=inline_serializer(
            name="SignedUpload",
            fields={
                "url": serializers.URLField(),
                "token": serializers.CharField(),
                "path": serializers.CharField(),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        data = PathSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            signed = file_upload_url(user=requesting_user(request), **data.validated_data)
        except (StorageObjectNotFound, StorageUnavailable) as error:  # nothing to find on upload
            raise FileStorageUnavailable() from error
        return Response(signed)


class FileDownloadUrlApi(APIView):
    @extend_schema(
        parameters=[PathSerializer],
        responses=inline_serializer(name="SignedDownload", fields={"url": serializers.URLField()}),
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
        return Response({"url": url})
