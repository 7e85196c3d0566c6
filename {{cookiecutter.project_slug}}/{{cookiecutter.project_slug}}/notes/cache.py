"""The notes' cached reads (platform/caching/owner_cache.py says how and why): per user, the
first NOTES_CACHED_PAGES list pages of the default size and each note read, for CACHE_TIMEOUT."""

from {{ cookiecutter.project_slug }}.platform.caching.owner_cache import OwnerCache

# Pages 1-5 of 20 notes: what a client browsing its recent notes reads again and again.
NOTES_CACHED_PAGES = 5

notes_cache = OwnerCache(namespace="notes", pages=NOTES_CACHED_PAGES)
