from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from rest_framework.settings import api_settings

from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import parse_rate


@register(Tags.compatibility)
def check_throttle_rates_parse(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for scope, rate in api_settings.DEFAULT_THROTTLE_RATES.items():
        try:
            parse_rate(str(rate))
        except ValueError as error:
            errors.append(
                Error(
                    f'DEFAULT_THROTTLE_RATES["{scope}"]: {error}',
                    hint="Fix the environment variable that sets it (RATE_LIMIT_*_RATE).",
                    id="{{ cookiecutter.project_slug }}.E005",
                )
            )
    return errors
