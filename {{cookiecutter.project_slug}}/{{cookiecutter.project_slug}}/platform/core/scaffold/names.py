"""The names a new app gets, and why a name is refused."""

import importlib.util
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model

APP_NAME = re.compile(r"[a-z][a-z0-9_]*")
MODEL_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


class ScaffoldError(Exception):
    """A refusal to scaffold, with the reason for the user."""


@dataclass(frozen=True)
class AppNames:
    app: str  # package, URL path and cache namespace: bookmarks
    model: str  # the model in functions and events: bookmark
    model_class: str  # Bookmark

    def substitutions(self, project: str) -> dict[str, str]:
        """What the app's file templates read as $project, $app, $APP, $App, $model, $Model."""
        return {
            "project": project,
            "app": self.app,
            "APP": self.app.upper(),
            "App": camel_case(self.app),
            "model": self.model,
            "Model": self.model_class,
        }


def camel_case(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def snake_case(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def singular(plural: str) -> str:
    """bookmarks -> bookmark, categories -> category; a name that is not a plural stays."""
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    if plural.endswith("s") and not plural.endswith("ss"):
        return plural[:-1]
    return plural


def app_names(name: str, model: str | None = None) -> AppNames:
    """The names for app `name`; its model is `model` or the app's name made singular."""
    if model is not None and not MODEL_NAME.fullmatch(model):
        raise ScaffoldError(f"{model!r} is not a model name: use CamelCase letters and digits.")
    model_class = model or camel_case(singular(name))
    return AppNames(app=name, model=snake_case(model_class), model_class=model_class)


def module_kind(name: str) -> str | None:
    """Which Python module `name` already is, if any."""
    if name in sys.stdlib_module_names:
        return "a standard library"
    if importlib.util.find_spec(name) is not None:
        return "an installed"
    return None


def name_problem(name: str, package_dir: Path) -> str | None:
    """Why `name` cannot be a new app in `package_dir`, or None if it can."""
    if not APP_NAME.fullmatch(name) or keyword.iskeyword(name):
        return (
            f"{name!r} is not a valid app name: use lowercase letters, digits and underscores, "
            "starting with a letter."
        )
    module = module_kind(name)
    if module is not None:
        return (
            f"{name!r} is {module} Python module: an app of that name would shadow it or be "
            "shadowed by it. Choose another name."
        )
    labels = {config.label: config.name for config in apps.get_app_configs()}
    if name in labels:
        return f"{name!r} is the label of the installed app {labels[name]}: choose another name."
    if (package_dir / name).exists():
        return f"{package_dir / name} already exists: choose another name."
    if hasattr(get_user_model(), name):
        return f"{name!r} is already an attribute of the user model: choose another name."
    return None
