from django.urls import path

from {{ cookiecutter.project_slug }}.platform.realtime.apis import StreamTokenApi
from {{ cookiecutter.project_slug }}.platform.realtime.views import event_stream

urlpatterns = [
    path("token/", StreamTokenApi.as_view(), name="event-stream-token"),
    path("stream/", event_stream, name="event-stream"),
]
