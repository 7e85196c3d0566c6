from typing import TypedDict, cast

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404

from {{ cookiecutter.project_slug }}.notes.cache import notes_cache
from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.notes.serializers import NoteData, NoteOutputSerializer
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.caching.owner_cache import CachedPage
from {{ cookiecutter.project_slug }}.platform.caching.pages import encoded_page

STATS_CACHE_KEY = "notes:stats"
STATS_CACHE_SECONDS = 60


class NoteStats(TypedDict):
    notes: int
    authors: int


def note_list(*, owner: User) -> QuerySet[Note]:
    return Note.objects.filter(owner=owner).order_by("-created_at", "-id")


def note_get(*, owner: User, note_id: int) -> Note:
    """The owner's note, fresh from Postgres (for writes); another user's note is a 404, so
    its existence is not revealed."""
    note = note_list(owner=owner).filter(pk=note_id).first()
    if note is None:
        raise Http404("No such note.")
    return note


def note_get_data(*, owner: User, note_id: int) -> NoteData:
    """The owner's note as the API shows it, through the per-user cache (for reads)."""

    def read() -> NoteData:
        return cast(NoteData, NoteOutputSerializer(note_get(owner=owner, note_id=note_id)).data)

    return notes_cache.item(owner_id=owner.pk, item_id=note_id, compute=read)


def note_list_page(*, owner: User, page: int, page_size: int) -> CachedPage:
    """One page of the owner's notes as the API shows them, newest first; the first pages of the
    default size come through the per-user cache (notes/cache.py says which)."""

    def read() -> CachedPage:
        notes = note_list(owner=owner)
        return encoded_page(
            notes, page=page, page_size=page_size, serializer_class=NoteOutputSerializer
        )

    return notes_cache.page(owner_id=owner.pk, page=page, page_size=page_size, compute=read)


def note_stats() -> NoteStats:
    """Totals across all users: public, so one cached copy serves everyone for up to
    STATS_CACHE_SECONDS (fine for numbers nobody acts on)."""
    cached = cache.get(STATS_CACHE_KEY)
    if isinstance(cached, dict):
        return cast(NoteStats, cached)
    totals = Note.objects.aggregate(notes=Count("id"), authors=Count("owner", distinct=True))
    stats: NoteStats = {"notes": totals["notes"], "authors": totals["authors"]}
    cache.set(STATS_CACHE_KEY, stats, STATS_CACHE_SECONDS)
    return stats
