from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from rest_framework.settings import api_settings

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import parse_rate

# Rates the platform reads as settings of their own, beside DRF's DEFAULT_THROTTLE_RATES.
RATE_SETTINGS = ("RATE_LIMIT_LOGIN_FAILURE_RATE", "RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE")


@register(Tags.compatibility)
def check_throttle_rates_parse(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    throttle_rates = api_settings.DEFAULT_THROTTLE_RATES.items()
    rates = {f'DEFAULT_THROTTLE_RATES["{scope}"]': rate for scope, rate in throttle_rates}
    rates.update({name: getattr(settings, name) for name in RATE_SETTINGS})
    errors: list[CheckMessage] = []
    for name, rate in rates.items():
        try:
            parse_rate(str(rate))
        except ValueError as error:
            errors.append(
                Error(
                    f"{name}: {error}",
                    hint="Fix the environment variable that sets it (RATE_LIMIT_*_RATE).",
                    id=check_id("E005"),
                )
            )
    return errors
