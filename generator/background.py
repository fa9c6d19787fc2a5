"""A stage run in a forked process while the run goes on with the next ones: on the other core, and in a heap of
its own that is gone when it ends. `result()` waits for its answer; a process that could not start, died, or
answered nothing is never taken for an answer: the stage then runs here, so its result (or its located
error) is the same either way.

`Background` forks once its stage's input is in memory; `Worker` forks before it exists, so that the
process can load what the stage needs meanwhile, and is handed the stage (pickled) when the input is read."""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable
from functools import partial
from typing import Any, Generic, TypeVar

from .errors import GeneratorError

T = TypeVar("T")


def can_fork() -> bool:
    """Forking is safe and worth it: Linux (the fork start method) with a second core."""
    return sys.platform == "linux" and (os.cpu_count() or 1) >= 2


class Background(Generic[T]):
    """`child()` in a forked process when `fork`; `here()` in this one when that gives no answer. The child's
    value crosses back pickled; a GeneratorError it raises is raised again here, where `result()` is asked."""

    def __init__(self, child: Callable[[], T], here: Callable[[], T], *, fork: bool, daemon: bool = True) -> None:
        self._here = here
        self._answered = False
        self._value: Any = None
        self.process: Any = None
        if not fork:
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")  # the child has the inputs already: nothing is copied
        self._receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_answer, args=(child, send, self._receive, os.getpid()), daemon=daemon)
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


def _answer(child: Callable[[], Any], send: Any, receive: Any, parent: int) -> None:
    # The process ends with the run that forked it, however that run ends (kill -9, a CI timeout, the OOM killer):
    # the kernel signals it when its parent goes, and an answer with no reader left fails rather than blocks on
    # a full pipe forever, since this process no longer holds the pipe's reading end itself.
    receive.close()
    _end_with(parent)
    try:
        try:
            answer: tuple[str, Any] | None = ("value", child())
        except GeneratorError as exc:
            answer = ("raised", exc)
        send.send(answer)
    except BaseException:
        with contextlib.suppress(OSError):  # the reader is gone: nobody is left to answer
            send.send(None)  # whatever went wrong, the caller runs the stage itself and meets it there
    finally:
        send.close()


def _end_with(parent: int) -> None:
    """Ask Linux to end this process when its parent ends (PR_SET_PDEATHSIG); if the parent is gone already
    (this process was handed to another), end now."""
    with contextlib.suppress(Exception):  # no libc to ask: the closed pipe still ends the process at its answer
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


class Worker(Background[T]):
    """A process forked now, before its stage's input exists: `warm()` there loads what the stage will need
    while this process reads the input; `hand(stage, here)` then gives it the stage. A stage that cannot be
    given (it does not pickle) runs here when `result()` is asked, and so does one whose process died.
    `close()` ends a process whose answer was not taken (the run failed before it needed one)."""

    def __init__(self, warm: Callable[[], object], *, fork: bool) -> None:
        self._ready: Any = None  # this end tells the process the stage is in the parcel (or, closed, that none is)
        self._parcel: int | None = None
        receive: Any = None
        if fork:
            try:
                # The pickled stage is left in memory the process shares, not sent down a pipe: a pipe holds
                # its sender until the reader is done warming, a second or so with a large spec's stage.
                self._parcel = os.memfd_create("openapi-pygen-stage", os.MFD_CLOEXEC)
            except (AttributeError, OSError):
                fork = False
            else:
                import multiprocessing

                receive, self._ready = multiprocessing.get_context("fork").Pipe(duplex=False)
        # Not a daemon, so that its stage may fork in turn (a daemon may not); `close()` ends it if need be.
        super().__init__(partial(_take, warm, receive, self._ready, self._parcel), _unhanded, fork=fork, daemon=False)
        if receive is not None:
            receive.close()  # the process has its own copy
        if self.process is None:
            self._release()

    def hand(self, stage: Callable[[], T], here: Callable[[], T]) -> None:
        self._here = here
        if self._ready is None or self._parcel is None:
            return
        try:
            parcel = pickle.dumps(stage, protocol=pickle.HIGHEST_PROTOCOL)
            with open(self._parcel, "wb", closefd=False) as stream:
                stream.write(parcel)
            self._ready.send(len(parcel))
        except Exception:  # it does not pickle, or the process is gone: that process answers nothing
            pass
        finally:
            self._release()

    def close(self) -> None:
        """Ends the process unless its answer was taken: the run is over without it."""
        self._release()
        if self.process is not None and not self._answered:
            self.process.terminate()
            self.process.join()
            self._receive.close()
            self._answered, self._value = True, ("raised", RuntimeError("the Worker was closed"))

    def _release(self) -> None:
        # Closing the signalling end is what a waiting process reads as "no stage is coming".
        if self._ready is not None:
            self._ready.close()
            self._ready = None
        if self._parcel is not None:
            os.close(self._parcel)
            self._parcel = None


def _take(warm: Callable[[], object], ready: Any, signals: Any, parcel: Any) -> Any:
    signals.close()  # this process's copy of the signalling end: while it is open, a closed one reads as nothing
    with contextlib.suppress(Exception):  # a head start only: the stage meets any real problem itself
        warm()
    size = ready.recv()  # EOFError when no stage comes: the process answers nothing and ends
    chunks, offset = [], 0
    while offset < size:
        chunk = os.pread(parcel, size - offset, offset)
        if not chunk:
            raise EOFError("the stage's parcel ended early")
        chunks.append(chunk)
        offset += len(chunk)
    return pickle.loads(b"".join(chunks))()


def _unhanded() -> Any:
    raise RuntimeError("a Worker's result was asked before it was handed its stage")
