"""The test suite: real Postgres (DATABASE_URL) and real Redis (REDIS_DURABLE_URL)."""

import uuid

from config.env import {% if cookiecutter.use_supabase_auth == "y" %}BASE_DIR, {% endif %}env
from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, INSTALLED_APPS, REDIS_KEY_PREFIX, STORAGES

# The platform's own tests drive a test-only app (testing/harness_app), never a product app, so
# they pass with the example deleted. Its URLconf is the project's plus the harness app's.
INSTALLED_APPS = [*INSTALLED_APPS, "{{ cookiecutter.project_slug }}.testing.harness_app"]
# A live server started by a test may load a URLconf with more test-only views (a test's own
# urls.py); production settings never read this variable.
ROOT_URLCONF = env.str(
    "TEST_ROOT_URLCONF",
    default="{{ cookiecutter.project_slug }}.testing.harness_app.urls",
)

# The suite reads the schema and docs as a developer would (its docs tests turn this off).
API_DOCS_PUBLIC = True

# Each test probes health right after changing what it depends on; the production servers the
# tests start keep the default.
HEALTH_CACHE_SECONDS = 0.0
{%- if cookiecutter.use_supabase_auth == "y" %}

# Development tokens (`manage.py dev_token`), as local settings accept them: the test process and
# the servers it starts share the one key file.
SUPABASE_DEV_TOKEN_KEY_FILE = str(BASE_DIR / ".dev-token-key.pem")
{%- endif %}

# Fast hashing: the suite creates many users, none of them real.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files are looked up per request: tests never run collectstatic. From the apps' static
# folders whatever DEBUG is (it defaults from DEBUG): a fresh clone, as in CI, has no .env.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test run writes under its own key prefix, so runs sharing one Redis never see each
# other's keys and cleaning up after a test deletes only what that run wrote.
# A worker the tests start is handed the prefix of the run that started it.
TEST_RUN_KEY_PREFIX = env.str("TEST_RUN_KEY_PREFIX", default="") or f"test-{uuid.uuid4().hex[:12]}"
for cache_settings in CACHES.values():
    # On a Redis Cluster each alias's prefix ends with its role's name (core/redis_config.py): kept.
    role_suffix = str(cache_settings["KEY_PREFIX"]).removeprefix(REDIS_KEY_PREFIX)
    cache_settings["KEY_PREFIX"] = TEST_RUN_KEY_PREFIX + role_suffix
RATE_LIMIT_KEY_PREFIX = f"{TEST_RUN_KEY_PREFIX}:rl"
{%- if cookiecutter.use_realtime == "y" %}
REALTIME_PREFIX = f"{TEST_RUN_KEY_PREFIX}:rt"
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
# The run's own queue and heartbeat keys: workers started by other test runs never take its tasks.
CELERY_TASK_DEFAULT_QUEUE = TEST_RUN_KEY_PREFIX
WORKER_HEARTBEAT_PREFIX = f"{TEST_RUN_KEY_PREFIX}:worker-heartbeat"
{%- endif %}
