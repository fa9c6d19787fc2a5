"""Diagnostics: the one place a problem becomes a located, printable message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1  # invalid spec, drift, breaking change, unwritable output
EXIT_USAGE = 2


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as the input allows."""

    file: str
    line: int | None
    pointer: str
    message: str
    level: Literal["error", "warning", "note"] = "error"

    def format(self) -> str:
        """One terminal line; spec text in it cannot break the line or hide characters (bidi, CR, U+2028)."""
        from .encode import comment

        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "" if self.level == "error" else f"{self.level}: "
        pointer = self.pointer or "#"
        return comment(f"{where}: {pointer}: {prefix}{self.message}")


class GeneratorError(Exception):
    """A stage failed; carries every diagnostic it collected and the exit code to use."""

    def __init__(self, diagnostics: Iterable[Diagnostic], *, exit_code: int = EXIT_FAILED) -> None:
        self.diagnostics = tuple(diagnostics)
        self.exit_code = exit_code
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def fail(file: str, line: int | None, pointer: str, message: str) -> GeneratorError:
    """Build the error for a single located problem."""
    return GeneratorError([Diagnostic(file, line, pointer, message)])


def pointer_join(pointer: str, *parts: str | int) -> str:
    """Extend a JSON pointer (RFC 6901), escaping `~` and `/` in each part."""
    for part in parts:
        text = str(part).replace("~", "~0").replace("/", "~1")
        pointer = f"{pointer}/{text}"
    return pointer
