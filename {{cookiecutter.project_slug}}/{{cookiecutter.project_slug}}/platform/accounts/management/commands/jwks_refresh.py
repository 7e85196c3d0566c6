from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.platform.integrations.supabase.jwks import (
    GENERATION_CHECK_SECONDS,
    JwksDropped,
    JwksUnavailable,
    jwks_cache_drop,
    jwks_cache_fill,
    jwks_url,
)


class Command(BaseCommand):
    help = (
        "Drop every tier of the Supabase signing-key cache, for an urgent revocation: the key "
        "set and the refetch guard in Redis, and each process's own copy (every process drops "
        f"it within {GENERATION_CHECK_SECONDS:g} s). Tokens signed by a key the JWKS no longer "
        "lists are refused from then on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fetch",
            action="store_true",
            help="Then fetch the key set from Supabase Auth and print its key ids.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            dropped = jwks_cache_drop()
        except RedisError as error:
            raise CommandError(
                f"The cache's Redis did not answer ({error}), so the key cache was not dropped: "
                "processes keep their copies for at most SUPABASE_JWKS_CACHE_SECONDS "
                f"({settings.SUPABASE_JWKS_CACHE_SECONDS} s). Run `manage.py check_redis`."
            ) from error
        self._report(dropped)
        if options["fetch"]:
            self._fetch()

    def _report(self, dropped: JwksDropped) -> None:
        if dropped.shared_kids is None:
            self.stdout.write("No key set was kept in Redis.")
        else:
            kids = ", ".join(dropped.shared_kids) or "none usable"
            age = round(dropped.shared_age_seconds)
            self.stdout.write(f"Dropped the key set kept in Redis (kids: {kids}; {age} s old).")
        if dropped.guard_dropped:
            self.stdout.write("Dropped the unknown-kid refetch guard.")
        self.stdout.write(
            f"Dropped this process's copy; every other process drops its own within "
            f"{GENERATION_CHECK_SECONDS:g} s (generation {dropped.generation})."
        )

    def _fetch(self) -> None:
        try:
            key_set = jwks_cache_fill()
        except JwksUnavailable as error:
            raise CommandError(
                f"Supabase Auth did not serve the key set at {jwks_url()} ({error}). The cache "
                "was dropped: processes fetch the set on their next token, and answer 503 "
                "auth_unavailable while it cannot be fetched."
            ) from error
        kids = ", ".join(sorted(key_set.keys)) or "none usable"
        self.stdout.write(f"Fetched {jwks_url()}: kids {kids}.")
