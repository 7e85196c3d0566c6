from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.notes.cache import NOTES_CACHE_TTL, notes_cache_key
from {{ cookiecutter.project_slug }}.notes.models import Note


@dataclass(frozen=True)
class NotePage:
    count: int
    notes: list[Note]


def note_list(*, owner: User) -> QuerySet[Note]:
    return Note.objects.filter(owner=owner).order_by("-created_at", "-id")


def note_get(*, owner: User, note_id: int) -> Note:
    """The owner's note, fresh from Postgres (for writes); another user's note is a 404, so
    its existence is not revealed."""
    note = note_list(owner=owner).filter(pk=note_id).first()
    if note is None:
        raise Http404("No such note.")
    return note


def note_get_cached(*, owner: User, note_id: int) -> Note:
    """`note_get` through the per-user cache (for reads)."""
    key = notes_cache_key(owner_id=owner.pk, kind="note", parts=(note_id,))
    note: Note | None = cache.get(key)
    if note is None:
        note = note_get(owner=owner, note_id=note_id)
        cache.set(key, note, NOTES_CACHE_TTL)
    return note


def note_list_page(*, owner: User, page: int, page_size: int) -> NotePage:
    """One page of the owner's notes, newest first, through the per-user cache."""
    key = notes_cache_key(owner_id=owner.pk, kind="list", parts=(page, page_size))
    cached: NotePage | None = cache.get(key)
    if cached is not None:
        return cached
    notes = note_list(owner=owner)
    count = notes.count()
    if page > 1 and (page - 1) * page_size >= count:
        raise Http404("Invalid page.")
    result = NotePage(count=count, notes=list(notes[(page - 1) * page_size : page * page_size]))
    cache.set(key, result, NOTES_CACHE_TTL)
    return result


def note_stats() -> dict[str, int]:
    """Totals across all users: public, and cheap to serve from the page cache."""
    totals = Note.objects.aggregate(notes=Count("id"), authors=Count("owner", distinct=True))
    return {"notes": totals["notes"], "authors": totals["authors"]}
