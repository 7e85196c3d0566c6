import pytest
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.rate_limit.checks import check_throttle_rates_parse
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate, parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("100/min", Rate(100, 60)),
        ("5/s", Rate(5, 1)),
        ("1000/day", Rate(1000, 86400)),
        ("20/5m", Rate(20, 300)),
        (" 7 / hour ", Rate(7, 3600)),
    ],
)
def test_rates_parse(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["100", "100/fortnight", "0/min", "ten/min", "5/0s", ""])
def test_bad_rates_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"'100/min'|at least 1"):
        parse_rate(text)


def test_a_malformed_login_failure_rate_stops_start_up(settings: Settings) -> None:
    assert check_throttle_rates_parse(None) == []
    settings.RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE = "20/fortnight"

    errors = check_throttle_rates_parse(None)

    assert [error.id for error in errors] == ["{{ cookiecutter.project_slug }}.E005"]
    assert errors[0].msg.startswith("RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE: Rate '20/fortnight'")
