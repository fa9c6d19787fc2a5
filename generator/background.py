"""A stage run in a forked process while the run goes on with the next ones: on the other core, and in a heap of
its own that is gone when it ends. `result()` waits for its answer; a process that could not start, died, or
answered nothing is never taken for an answer: the stage then runs here, so its result (or its located
error) is the same either way."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .errors import GeneratorError

T = TypeVar("T")


def can_fork() -> bool:
    """Forking is safe and worth it: Linux (the fork start method) with a second core."""
    return sys.platform == "linux" and (os.cpu_count() or 1) >= 2


class Background(Generic[T]):
    """`child()` in a forked process when `fork`; `here()` in this one when that gives no answer. The child's
    value crosses back pickled; a GeneratorError it raises is raised again here, where `result()` is asked."""

    def __init__(self, child: Callable[[], T], here: Callable[[], T], *, fork: bool) -> None:
        self._here = here
        self._answered = False
        self._value: Any = None
        self.process: Any = None
        if not fork:
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")  # the child has the inputs already: nothing is copied
        self._receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_answer, args=(child, send), daemon=True)
        try:
            process.start()
        except (OSError, AssertionError):  # no fork to be had (limits), or this is a daemonic process itself
            self._receive.close()
        else:
            self.process = process
        finally:
            send.close()

    def result(self) -> T:
        if not self._answered:
            self._value, self._answered = self._collect(), True
        kind, value = self._value
        if kind == "raised":
            raise value
        return value  # type: ignore[no-any-return]

    def _collect(self) -> tuple[str, Any]:
        if self.process is not None:
            try:
                answer = self._receive.recv()
            except (EOFError, OSError, ValueError, TypeError, AttributeError):
                answer = None  # the process died before it answered, or its answer did not unpickle
            finally:
                self._receive.close()
                self.process.join()
            if isinstance(answer, tuple):
                return answer
        try:
            return "value", self._here()
        except GeneratorError as exc:
            return "raised", exc


def _answer(child: Callable[[], Any], send: Any) -> None:
    try:
        try:
            answer: tuple[str, Any] | None = ("value", child())
        except GeneratorError as exc:
            answer = ("raised", exc)
        send.send(answer)
    except BaseException:
        send.send(None)  # whatever went wrong, the caller runs the stage itself and meets it there
    finally:
        send.close()
