from django.contrib import admin

from {{ cookiecutter.project_slug }}.notes.models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin[Note]):
    list_display = ("title", "owner", "created_at")
    list_select_related = ("owner",)
    search_fields = ("title",)
