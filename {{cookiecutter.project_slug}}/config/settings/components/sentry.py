"""Error reporting to Sentry, on when SENTRY_DSN is set."""

import sentry_sdk
{%- if cookiecutter.use_celery == "y" %}
from sentry_sdk.integrations.celery import CeleryIntegration
{%- endif %}
from sentry_sdk.integrations.django import DjangoIntegration

from config.env import env

SENTRY_DSN = env.str("SENTRY_DSN", default="")

if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        integrations=[
            DjangoIntegration(),
{%- if cookiecutter.use_celery == "y" %}
            CeleryIntegration(),
{%- endif %}
        ],
    )

# base.py star-imports this module: only the settings above may leave it.
del {% if cookiecutter.use_celery == "y" %}CeleryIntegration, {% endif %}DjangoIntegration, env, sentry_sdk
