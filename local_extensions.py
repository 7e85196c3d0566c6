"""Loaded by cookiecutter (cookiecutter.json `_extensions`) in the process that bakes.

A hook that refuses an answer prints one line saying what to change and exits non-zero;
cookiecutter would then log its own traceback of the failed hook under it, which says nothing
more and buries the line. This drops that traceback; cookiecutter's one-line notice stays.
"""

import logging

from cookiecutter.exceptions import FailedHookException
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
