from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.files.services import file_download_url, file_upload_url


class PathSerializer(serializers.Serializer[None]):
    path = serializers.CharField(help_text="Relative to your own folder, e.g. 'photos/cat.png'.")


def requesting_user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


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
        return Response(file_upload_url(user=requesting_user(request), **data.validated_data))


class FileDownloadUrlApi(APIView):
    @extend_schema(
        parameters=[PathSerializer],
        responses=inline_serializer(name="SignedDownload", fields={"url": serializers.URLField()}),
    )
    def get(self, request: Request) -> Response:
        data = PathSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        url = file_download_url(user=requesting_user(request), **data.validated_data)
        return Response({"url": url})
