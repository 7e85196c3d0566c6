"""Session load + save per request: the project's session backend against Django's database
backend, in one run. Run: `make bench-sessions` (needs a migrated database)."""

import argparse
import os
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.base import SessionBase  # noqa: E402

from benchmarks.report import emit, interleaved_medians  # noqa: E402


def request_cycle(store_class: type[SessionBase], key: str) -> None:
    """What a request does with a session: load it, change it, save it."""
    session = store_class(session_key=key)
    session["visits"] = session.get("visits", 0) + 1
    session.save()


def session_key(store_class: type[SessionBase]) -> str:
    session = store_class()
    session["user"] = "bench"
    session.create()
    assert session.session_key is not None
    return session.session_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=500)
    options = parser.parse_args()
    ours = import_module(settings.SESSION_ENGINE).SessionStore
    database = import_module("django.contrib.sessions.backends.db").SessionStore
    keys = {ours: session_key(ours), database: session_key(database)}
    medians = interleaved_medians(
        {
            f"{settings.SESSION_ENGINE.rsplit('.', 1)[-1]} (ours)": lambda: request_cycle(
                ours, keys[ours]
            ),
            "db": lambda: request_cycle(database, keys[database]),
        },
        options.rounds,
        options.calls,
    )
    names = list(medians)
    ratio = medians["db"] / medians[names[0]]
    print(f"{'session load+save':<28}{'us/request (median)':>21}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>21.1f}")
    print(f"db / ours = {ratio:.1f}x")
    emit("sessions", {"us": medians, "db_over_ours": ratio})
    for store_class, key in keys.items():
        store_class(session_key=key).delete()


if __name__ == "__main__":
    main()
