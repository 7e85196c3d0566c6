from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from {{ cookiecutter.project_slug }}.platform.core.scaffold.app import scaffold_app
from {{ cookiecutter.project_slug }}.platform.core.scaffold.names import ScaffoldError


class Command(BaseCommand):
    help = (
        "Create a product app in the house style (model, services, selectors, cached APIs, "
        "admin, factory, migration, tests) and wire it into the URLs, settings and import "
        "contracts. `make app NAME=<name>` runs it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The app's package and URL path: bookmarks.")
        parser.add_argument(
            "--model", help="The model's class name (default: the app's name made singular)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scaffold = scaffold_app(options["name"], options["model"])
        except ScaffoldError as error:
            raise CommandError(str(error)) from error
        app = scaffold.app_dir.name
        self.stdout.write(f"Created {scaffold.app_dir} and its first migration.")
        self.stdout.write(f"Wired into: {', '.join(str(path) for path in scaffold.edits)}.")
        self.stdout.write(f"Next: make migrate, then try /api/{app}/ (make run).")
