from django.urls import path

from {{ cookiecutter.project_slug }}.notes.apis import NoteDetailApi, NoteListCreateApi, NoteStatsApi

urlpatterns = [
    path("", NoteListCreateApi.as_view(), name="note-list"),
    path("stats/", NoteStatsApi.as_view(), name="note-stats"),
    path("<int:note_id>/", NoteDetailApi.as_view(), name="note-detail"),
]
