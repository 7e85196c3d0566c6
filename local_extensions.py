"""Loaded by cookiecutter (cookiecutter.json `_extensions`) in the process that bakes.

QuietHookFailures: a hook that refuses an answer prints one line saying what to change and exits
non-zero; cookiecutter would then log its own traceback of the failed hook under it, which says
nothing more and buries the line. This drops that traceback; cookiecutter's one-line notice stays.

CruftState: the `cruft_state` filter that writes a bake's .cruft.json, so `cruft update` can take
the template's later changes into the project.
"""

import json
import logging
import subprocess
from pathlib import Path
from typing import Any

from cookiecutter.config import BUILTIN_ABBREVIATIONS
from cookiecutter.exceptions import FailedHookException
from cookiecutter.repository import expand_abbreviations, is_repo_url
from jinja2 import Environment
from jinja2.ext import Extension


def without_hook_traceback(record: logging.LogRecord) -> bool:
    if record.exc_info and record.exc_info[0] is FailedHookException:
        record.exc_info = None
        record.exc_text = None
    return True


class QuietHookFailures(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        hooks_logger = logging.getLogger("cookiecutter.hooks")
        if without_hook_traceback not in hooks_logger.filters:
            hooks_logger.addFilter(without_hook_traceback)


TEMPLATE_ROOT = Path(__file__).resolve().parent
# What a bake's .cruft.json leaves out of the answers: where this machine keeps things.
MACHINE_PATHS = ("_output_dir", "_repo_dir", "_checkout")


def template_commit(cookiecutter: dict[str, Any]) -> str:
    """The commit the template was baked from: cruft passes its own; cookiecutter knows none, so
    it is read from the template's checkout ("" when the template is not one, e.g. a zip)."""
    if "_commit" in cookiecutter:
        return str(cookiecutter["_commit"])
    git = ["git", "-C", str(TEMPLATE_ROOT), "rev-parse", "--show-toplevel", "HEAD"]
    found = subprocess.run(git, capture_output=True, text=True, check=False)
    lines = found.stdout.split()
    # A template inside another repository (a vendored copy) has no commit of its own.
    if found.returncode != 0 or Path(lines[0]).resolve() != TEMPLATE_ROOT:
        return ""
    return lines[1]


def template_url(cookiecutter: dict[str, Any]) -> str:
    """Where `cruft update` fetches the template: the URL it was baked from, or the absolute path
    of the local checkout (cookiecutter's `_template` may be relative to a directory long gone)."""
    template = str(cookiecutter["_template"])
    if "_commit" in cookiecutter:
        return template
    expanded = expand_abbreviations(template, BUILTIN_ABBREVIATIONS)
    return expanded if is_repo_url(expanded) else str(TEMPLATE_ROOT)


def cruft_state(cookiecutter: dict[str, Any], skip: list[str]) -> str:
    """A project's .cruft.json as `cruft create` writes it: the template, its commit and the
    answers (cruft reads only the answers and `_template`/`_commit` back)."""
    answers = {
        name: value
        for name, value in cookiecutter.items()
        if not name.startswith("_") and name not in MACHINE_PATHS
    }
    answers |= {"_template": template_url(cookiecutter), "_commit": template_commit(cookiecutter)}
    state = {
        "template": answers["_template"],
        "commit": answers["_commit"],
        "checkout": None,
        "context": {"cookiecutter": answers},
        "directory": None,
        "skip": skip,
    }
    return json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": "))


class CruftState(Extension):
    """`{{ cookiecutter | cruft_state(skip=[...]) }}`: the generated .cruft.json."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["cruft_state"] = cruft_state
