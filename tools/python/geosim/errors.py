"""The exceptions geosim raises from Python."""
from __future__ import annotations

__all__ = ["InputError", "RunError"]


class InputError(ValueError):
    """Bad input: a scenario, sweep or argument geosim refuses.

    ``str(error)`` is the message the command line prints (after ``geosim:``),
    naming the file, line, column and key. The parts are attributes:

    - ``file``: the file, or ``--set`` / ``geosim.run`` for arguments;
    - ``line``, ``column``: 1-based (0 when the error concerns the whole file);
    - ``key``: the dotted path of the offending key ("" if none);
    - ``detail``: what was expected;
    - ``kind``: which check refused it (``RangeError``, ``UnknownKeyError``, ...).
    """

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0, key: str = "",
                 detail: str = "", kind: str = "InputError") -> None:
        super().__init__(message)
        self.file, self.line, self.column = file, line, column
        self.key, self.detail, self.kind = key, detail, kind


class RunError(RuntimeError):
    """A valid input failed while running (the command line's exit status 1):
    a state variable became NaN or infinite, a results file could not be written."""
