"""Diagnostics and reports: the one place a problem becomes a located, printable message, and an outcome an
exit code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1  # invalid spec, drift, breaking change, a file the generator will not or cannot write
EXIT_USAGE = 2


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as the input allows: `file:line: pointer: message`."""

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

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole when it crosses back from a stage's own process (background.py).
        return (_rebuilt, (self.diagnostics, self.exit_code))


def _rebuilt(diagnostics: tuple[Diagnostic, ...], exit_code: int) -> GeneratorError:
    return GeneratorError(diagnostics, exit_code=exit_code)


def fail(file: str, line: int | None, pointer: str, message: str) -> GeneratorError:
    """The error for a single located problem."""
    return GeneratorError([Diagnostic(file, line, pointer, message)])


@dataclass
class Report:
    """What a command did: lines for the terminal, diagnostics, and the exit code they add up to."""

    lines: list[str] = field(default_factory=list)  # progress and summaries, for standard error
    output: str = ""  # the command's product (a diff, a report), for standard output
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False  # drift found, a breaking change under --fail-on, a target that could not be written

    def add(self, other: Report) -> None:
        self.lines.extend(other.lines)
        self.output += other.output
        self.diagnostics.extend(other.diagnostics)
        self.failed = self.failed or other.failed

    @property
    def exit_code(self) -> int:
        if self.failed or any(d.level == "error" for d in self.diagnostics):
            return EXIT_FAILED
        return EXIT_OK
