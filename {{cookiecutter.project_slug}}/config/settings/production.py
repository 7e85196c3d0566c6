"""Deployed environments. Every secret and URL comes from the environment, none has a default."""

from config.settings.base import *  # noqa: F403
from config.settings.base import REST_FRAMEWORK
from config.settings.components.security import *  # noqa: F403
{%- if cookiecutter.use_sentry == "y" %}
from config.settings.components.sentry import *  # noqa: F403
{%- endif %}

DEBUG = False

# JSON only: the browsable API is a development convenience.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "{{ cookiecutter.project_slug }}.platform.core.renderers.JSONRenderer",
]
