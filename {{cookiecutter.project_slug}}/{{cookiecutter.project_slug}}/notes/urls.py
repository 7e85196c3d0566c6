from django.urls import path

from {{ cookiecutter.project_slug }}.notes.apis import (
    NoteDetailApi,
    NoteListCreateApi,
    NoteStatsApi,
{%- if cookiecutter.use_celery == "y" %}
    NoteSummaryApi,
{%- endif %}
)

urlpatterns = [
    path("", NoteListCreateApi.as_view(), name="note-list"),
    path("stats/", NoteStatsApi.as_view(), name="note-stats"),
{%- if cookiecutter.use_celery == "y" %}
    path("summary/", NoteSummaryApi.as_view(), name="note-summary"),
{%- endif %}
    path("<int:note_id>/", NoteDetailApi.as_view(), name="note-detail"),
]
