"""Password login, and the budgets that keep guessing at one account slow.

The "auth" rate (RATE_LIMIT_AUTH_RATE) limits each client address over all accounts; these
budgets limit each account (by username), however many addresses guess at it. Only wrong
passwords spend them, and they are peeked at before a password is checked, so a spent budget
answers 429 without telling a right password from a wrong one. They are built so that guessing
cannot lock the account's owner out:

- Per username and client address (RATE_LIMIT_LOGIN_FAILURE_RATE): guessing from one address
  slows that address down, not the owner at theirs.
- Per username over all addresses (RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE): stops guessing spread
  over many addresses, for clients that have never signed in to the account.
- A successful login leaves a signed "known device" cookie naming the account (OWASP's device
  cookies). Attempts that bring it for that account spend a budget of their own (per username and
  device, at the per-address rate) instead of both above, so the owner can still sign in from a
  browser they used before while an attack spends the account's budget.
"""

import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from rest_framework import exceptions, status

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import rate_limit_check
from {{ cookiecutter.project_slug }}.platform.rate_limit.middleware import (
    remember_rate_limit_result,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate, parse_rate

DEVICE_COOKIE = "login_device"
DEVICE_SALT = "{{ cookiecutter.project_slug }}.accounts.login-device"
# A browser that has not signed in for this long is a stranger again.
DEVICE_COOKIE_MAX_AGE = 90 * 24 * 60 * 60


class InvalidCredentials(exceptions.APIException):
    # 401, not 400: the body was well formed, the credentials were not accepted.
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Invalid username or password."
    default_code = "invalid_credentials"
    # RFC 9110 requires a challenge with every 401: the session cookie this endpoint issues.
    www_authenticate = 'Cookie realm="api"'


@dataclass(frozen=True)
class LoginBudget:
    scope: str
    identity: str
    rate: Rate


def _account(username: str) -> str:
    # Django stores usernames NFKC-normalized; one budget for every spelling of an account.
    return unicodedata.normalize("NFKC", username).casefold()


def _known_device(request: HttpRequest, account: str) -> str | None:
    """The device id of a valid known-device cookie for `account`, else None."""
    signed = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        payload = signing.loads(signed, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:  # none, forged, or expired
        return None
    if not isinstance(payload, dict) or payload.get("account") != account:
        return None
    device = payload.get("device")
    return device if isinstance(device, str) else None


def login_budgets(*, request: HttpRequest, username: str) -> list[LoginBudget]:
    account = _account(username)
    per_client = parse_rate(settings.RATE_LIMIT_LOGIN_FAILURE_RATE)
    device = _known_device(request, account)
    if device is not None:
        return [LoginBudget("login-device", f"{account}\n{device}", per_client)]
    per_account = parse_rate(settings.RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE)
    return [
        LoginBudget("login-address", f"{account}\n{client_ip(request)}", per_client),
        LoginBudget("login-account", account, per_account),
    ]


def _refuse_if_spent(request: HttpRequest, budgets: list[LoginBudget]) -> None:
    for budget in budgets:
        # Failing closed, RateLimitUnavailable (a 503 APIException) propagates to DRF's handler.
        result = rate_limit_check(
            scope=budget.scope, identity=budget.identity, rate=budget.rate, peek=True
        )
        if result is not None and not result.allowed:
            remember_rate_limit_result(request, result)  # the 429's RateLimit headers
            raise exceptions.Throttled(wait=result.retry_after)


def _spend(budgets: list[LoginBudget]) -> None:
    for budget in budgets:
        rate_limit_check(scope=budget.scope, identity=budget.identity, rate=budget.rate)


def session_login(*, request: HttpRequest, username: str, password: str) -> User:
    """Start a session for the user these credentials name. Raises Throttled (429) while one of
    the account's budgets is spent, InvalidCredentials (401) for a wrong username or password."""
    budgets = login_budgets(request=request, username=username)
    _refuse_if_spent(request, budgets)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        _spend(budgets)
        raise InvalidCredentials()
    login(request, user)
    return user


def known_device_remember(*, request: HttpRequest, response: HttpResponseBase, user: User) -> None:
    """Give the browser that just signed in a known-device cookie for `user`'s account."""
    payload = {"account": _account(user.get_username()), "device": secrets.token_urlsafe(16)}
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(payload, salt=DEVICE_SALT),
        max_age=DEVICE_COOKIE_MAX_AGE,
        path=request.path,  # sent to the login endpoint only
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
