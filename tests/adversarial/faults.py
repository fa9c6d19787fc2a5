"""Fault injection for the writer: a `Disk` that fails, or dies, at its k-th change to the file system.

A death is `os._exit` in a forked child: no `except`, no `finally`, no clean-up of any kind runs, as with SIGKILL or
a power cut to the process. A step that is not a single system call (writing a file's bytes, removing a tree) dies
half done.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import write as write_module
from generator.write import Disk

KILLED = 77
FINISHED = 78
STEPS = tuple(name for name in vars(Disk) if not name.startswith("_"))

Fault = Callable[[str, tuple[Any, ...]], None]


class Faulty(Disk):
    """A Disk that counts its steps and runs `fault` in place of step number `at` (1-based; 0 never), or of every
    step named in `every`."""

    def __init__(
        self, at: int = 0, fault: Fault | None = None, *, exchange: bool = True, every: frozenset[str] = frozenset()
    ) -> None:
        self.at, self.fault, self.exchange_works, self.every = at, fault, exchange, every
        self.steps: list[tuple[str, str]] = []

    def _step(self, name: str, args: tuple[Any, ...]) -> None:
        self.steps.append((name, str(args[0])))
        if self.fault is not None and (len(self.steps) == self.at or name in self.every):
            self.fault(name, args)


def _counted(name: str) -> Callable[..., Any]:
    real = getattr(Disk, name)

    def step(self: Faulty, *args: Any, **kwargs: Any) -> Any:
        if name == "exchange" and not self.exchange_works:
            # As on a platform without renameat2: refused before anything happens, so not a step.
            raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS), str(args[0]))
        self._step(name, args)
        return real(self, *args, **kwargs)

    return step


for _name in STEPS:
    setattr(Faulty, _name, _counted(_name))


def die(name: str, args: tuple[Any, ...]) -> None:
    """The process ends here; a step that takes more than one system call is left half done."""
    if name == "create":
        path, data = args[0], args[1]
        with open(path, "xb") as stream:
            stream.write(data[: len(data) // 2])
    elif name == "rmtree":
        files = sorted(p for p in Path(args[0]).rglob("*") if p.is_file() and not p.is_symlink())
        if files:
            files[0].unlink()
    os._exit(KILLED)


def fail(name: str, args: tuple[Any, ...]) -> None:
    raise OSError(errno.EIO, "injected fault", str(args[0]))


def refusing(code: int, steps: frozenset[str] = frozenset(STEPS)) -> Faulty:
    """A disk on which every one of `steps` fails as the kernel would with `code` (EROFS, ENOSPC, ...)."""

    def refuse(name: str, args: tuple[Any, ...]) -> None:
        raise OSError(code, os.strerror(code), str(args[0]))

    return Faulty(fault=refuse, every=steps)


def steps_of(run: Callable[[], object], *, exchange: bool = True) -> list[tuple[str, str]]:
    """Every step `run` takes, in order, without a fault."""
    counter = Faulty(exchange=exchange)
    real, write_module.disk = write_module.disk, counter
    try:
        run()
    finally:
        write_module.disk = real
    return counter.steps


def killed_at(step: int, run: Callable[[], object], *, exchange: bool = True) -> bool:
    """Run `run` in a forked child that dies at the writer's `step`; False when it finished before that step."""
    pid = os.fork()
    if pid == 0:  # the child: whatever happens, it leaves through os._exit
        code = 1
        try:
            write_module.disk = Faulty(step, die, exchange=exchange)
            run()
            code = FINISHED
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (KILLED, FINISHED), f"the child failed at step {step} instead of dying there (exit {code})"
    return code == KILLED


def tree(root: Path) -> dict[str, tuple[Any, ...]]:
    """Everything under `root`, itself included: each entry's kind, permission bits, and bytes or link target."""
    if not os.path.lexists(root):
        return {}
    found: dict[str, tuple[Any, ...]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        relative = path.relative_to(root).as_posix()
        if stat.S_ISLNK(info.st_mode):
            found[relative] = ("link", os.readlink(path))
        elif stat.S_ISDIR(info.st_mode):
            found[relative] = ("folder", stat.S_IMODE(info.st_mode))
        else:
            found[relative] = ("file", stat.S_IMODE(info.st_mode), path.read_bytes())
    return found
