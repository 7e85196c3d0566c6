"""The example app's settings."""

from config.env import env

# A note's body, in characters: every cached read of a note carries it (notes/cache.py).
NOTE_BODY_MAX_LENGTH = env.int("NOTE_BODY_MAX_LENGTH", default=10_000)

del env
