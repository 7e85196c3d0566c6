"""A pickle that runs code when it is loaded, as an attacker who can write to Redis would plant."""

import os
import pickle
from pathlib import Path


class _MakesDirectory:
    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        # Unpickling calls os.mkdir(path): if the directory appears, the payload ran.
        return (os.mkdir, (self.path,))


def pickle_that_creates(path: Path) -> bytes:
    """Bytes whose unpickling creates the directory `path`."""
    return pickle.dumps(_MakesDirectory(path))
