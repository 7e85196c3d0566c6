"""The settings of the servers `make bench-http` starts: development settings without debug (as
production runs), plus the floor view's URL (benchmarks/urls.py)."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "benchmarks.urls"
