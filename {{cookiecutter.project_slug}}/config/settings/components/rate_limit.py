"""The atomic Redis rate limiter ({{ cookiecutter.project_slug }}/platform/rate_limit).

Rates themselves are DRF settings (rest.py).

IP-keyed limits count REMOTE_ADDR, which core.client_address takes from X-Forwarded-For only when
the request came through one of TRUSTED_PROXIES (base.py).
"""

from config.env import env

# When Redis cannot be asked: let requests through (and log a warning), or answer 503.
RATE_LIMIT_FAIL_OPEN = env.bool("RATE_LIMIT_FAIL_OPEN", default=True)
RATE_LIMIT_KEY_PREFIX = env.str(
    "RATE_LIMIT_KEY_PREFIX",
    default="{{ cookiecutter.project_slug }}:rl",
)

# Wrong passwords per account (accounts/login.py); only failures spend these. Per username and
# client address (or known device): one guessing address slows itself, not the owner elsewhere.
RATE_LIMIT_LOGIN_FAILURE_RATE = env.str("RATE_LIMIT_LOGIN_FAILURE_RATE", default="5/15m")
# Per username over all addresses, for clients that never signed in to the account: guessing
# spread over many addresses stops, while the owner's known browsers are not counted here.
RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE = env.str(
    "RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE", default="20/hour"
)

# base.py star-imports this module: only the settings above may leave it.
del env
