from typing import TypedDict, cast

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404

from {{ cookiecutter.project_slug }}.notes.cache import (
    notes_cache_key,
    notes_cache_read,
    notes_page_is_cached,
)
from {{ cookiecutter.project_slug }}.notes.models import Note
from {{ cookiecutter.project_slug }}.notes.serializers import NoteData, NoteOutputSerializer
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.renderers import EncodedJSON, encode_json

STATS_CACHE_KEY = "notes:stats"
STATS_CACHE_SECONDS = 60


class NotePageData(TypedDict):
    count: int
    # The page's notes as the JSON text the API sends (core/renderers.py): cached as that text,
    # a cached page is sent without being decoded and encoded again.
    results: EncodedJSON


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

    key = notes_cache_key(owner_id=owner.pk, kind="note", parts=(note_id,))
    return notes_cache_read(owner_id=owner.pk, key=key, compute=read)


def note_list_page(*, owner: User, page: int, page_size: int) -> NotePageData:
    """One page of the owner's notes as the API shows them, newest first; the first pages of the
    default size come through the per-user cache (notes/cache.py says which and why)."""

    def read() -> NotePageData:
        notes = note_list(owner=owner)
        count = notes.count()
        if page > 1 and (page - 1) * page_size >= count:
            raise Http404("Invalid page.")
        results = NoteOutputSerializer(notes[(page - 1) * page_size : page * page_size], many=True)
        return {"count": count, "results": encode_json(results.data)}

    if not notes_page_is_cached(page=page, page_size=page_size):
        return read()
    key = notes_cache_key(owner_id=owner.pk, kind="page", parts=(page, page_size))
    cached = notes_cache_read(owner_id=owner.pk, key=key, compute=read)
    # Read back from the cache the text is a plain str: anything else was not written by read().
    if not isinstance(cached.get("results"), str) or not isinstance(cached.get("count"), int):
        return read()
    return {"count": cached["count"], "results": EncodedJSON(cached["results"])}


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
