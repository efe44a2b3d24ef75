"""The error a run fails with on bad input."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: ``problems`` are messages naming file, row/line, column and reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems[:3]) + (" …" if len(problems) > 3 else ""))
