"""Celery on Redis. Broker and results get their own database numbers: the cache is flushed
and evicted, and an evicted broker key is a lost task."""

from config.env import env, redis_url_with_db
from config.settings.components.redis import REDIS_URL

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=redis_url_with_db(REDIS_URL, 3))
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=redis_url_with_db(REDIS_URL, 4))

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this many seconds is delivered again: it must exceed the
# longest countdown/ETA the project uses (one hour here).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# Celery logs through Django's LOGGING instead of replacing it.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
{%- if cookiecutter.use_celery_beat == "y" %}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
{%- endif %}
