"""Logs on stdout, JSON lines in production and readable lines in development (DJANGO_LOG_FORMAT;
the fields: docs/logging.md), each with the request id of the request or task it was written for."""

from config.env import env

from {{ cookiecutter.project_slug }}.platform.observability.log_records import (
    log_config_parts,
    log_format,
)

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOG_FORMAT = log_format()

_OBSERVABILITY = "{{ cookiecutter.project_slug }}.platform.observability"
LOGGING_CONFIG = f"{_OBSERVABILITY}.log_records.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    **log_config_parts(log_format=LOG_FORMAT),
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Cache errors that IGNORE_EXCEPTIONS swallows are logged here: keep them visible.
        "{{ cookiecutter.project_slug }}.cache": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
        },
{%- if cookiecutter.use_celery == "y" %}
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
{%- endif %}
    },
}

# base.py star-imports this module: only the settings above may leave it.
del env, log_config_parts, log_format
