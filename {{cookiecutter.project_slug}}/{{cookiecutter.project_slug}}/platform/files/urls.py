from django.urls import path

from {{ cookiecutter.project_slug }}.platform.files.apis import (
    FileDownloadUrlApi,
    FileUploadUrlApi,
)

urlpatterns = [
    path("upload-url/", FileUploadUrlApi.as_view(), name="file-upload-url"),
    path("download-url/", FileDownloadUrlApi.as_view(), name="file-download-url"),
]
