from config.env import env

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
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
del env
