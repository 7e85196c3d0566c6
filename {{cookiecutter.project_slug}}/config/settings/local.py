"""Development on your machine: `make run`."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The OpenAPI schema and docs page are public while developing (production: staff only).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
