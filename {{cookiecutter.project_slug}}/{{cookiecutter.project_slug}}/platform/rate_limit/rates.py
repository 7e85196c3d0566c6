"""Rates as settings write them: "100/min", "5/s", "1000/day", "20/5m"."""

import re
from dataclasses import dataclass
from functools import lru_cache

UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


# Throttles parse their setting on every request: the few distinct rate strings are remembered.
@lru_cache(maxsize=256)
def parse_rate(text: str) -> Rate:
    """`"100/min"` -> Rate(100, 60). Raises ValueError naming the accepted forms."""
    match = RATE_PATTERN.match(text.lower())
    if not match or match.group(3) not in UNIT_SECONDS:
        raise ValueError(
            f"Rate {text!r} is not <requests>/<period>: use e.g. '100/min', '5/s', '1000/day' "
            "or '20/5m' (units: s, m/min, h/hour, d/day)."
        )
    limit, multiplier = int(match.group(1)), int(match.group(2) or 1)
    if limit < 1 or multiplier < 1:
        raise ValueError(f"Rate {text!r} must allow at least 1 request per period.")
    return Rate(limit=limit, period=UNIT_SECONDS[match.group(3)] * multiplier)
