from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from {{ cookiecutter.project_slug }}.platform.accounts.dev_token_key import dev_tokens_enabled
from {{ cookiecutter.project_slug }}.platform.accounts.dev_tokens import (
    dev_token_issue,
    dev_user_link,
)


class Command(BaseCommand):
    help = (
        "Print an access token for USERNAME (created if missing) that the API accepts as "
        "`Authorization: Bearer <token>` in development, without a Supabase project. Signed with "
        "the key in SUPABASE_DEV_TOKEN_KEY_FILE (made on first use); production refuses it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The token's email (default: the user's).")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            dest="roles",
            help="A role in app_metadata.roles; repeat for more (`staff` grants is_staff).",
        )
        parser.add_argument("--hours", type=float, default=24.0, help="Lifetime (default 24).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not dev_tokens_enabled():
            raise CommandError(
                "These settings accept no development tokens (SUPABASE_DEV_TOKEN_KEY_FILE is "
                "unset): run it with local settings."
            )
        token = dev_token_issue(
            user=dev_user_link(username=options["username"]),
            lifetime=timedelta(hours=options["hours"]),
            email=options["email"],
            roles=tuple(options["roles"]),
        )
        self.stdout.write(token)
