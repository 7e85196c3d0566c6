"""The IDs of the project's system checks, `<package>.E001`: a message, and a silenced check in
SILENCED_SYSTEM_CHECKS, name the project that raised it."""

# The project's top-level package, the first part of this module's dotted name.
CHECK_ID_PREFIX = __name__.partition(".")[0]


def check_id(code: str) -> str:
    """The full ID of check `code` (E001, W026)."""
    return f"{CHECK_ID_PREFIX}.{code}"
