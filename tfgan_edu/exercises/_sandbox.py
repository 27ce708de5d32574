"""A guard installed in the grading kernel: no file access outside the sandbox.

`install(allowed)` adds an audit hook (PEP 578) to the kernel process. From
then on, opening, listing or changing a path outside the allowed folders
(the notebook's temporary folder, the Python installation and its
site-packages, the tfgan_edu package, `/dev/null` and friends) raises
`PermissionError`, and starting other programs (`!cat`, `subprocess`,
`os.system`) is refused. Each refusal is recorded; the grader reports them.

This is a pragmatic guard against a notebook that reads what it should not
(another student's submission next to it, a file of the instructor's): it
sees what Python code does. It is no security boundary against code that
calls C directly (ctypes), and it does not try to be.
"""

from __future__ import annotations

import importlib.util
import os
import re
import site
import sys

_BLOCKED: list[str] = []
_MAX_RECORDED = 50

# Audit events (https://docs.python.org/3/library/audit_events.html) whose
# first argument is a path, and those that start a program.
_PATH_EVENTS = frozenset(
    {
        "open",
        "os.listdir",
        "os.scandir",
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.link",
        "os.symlink",
        "shutil.rmtree",
        "shutil.copyfile",
        "shutil.move",
    }
)
_PROGRAM_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "pty.spawn",
    }
)
_DEVICES = (
    "/dev/null",
    "/dev/urandom",
    "/dev/random",
    "/dev/zero",
    "/dev/shm",
)
# What ipykernel (through psutil) reads to find the kernel's child processes
# when it shuts down: process ids and their parents, nothing of their contents.
_PROCESS_TABLE = re.compile(r"/proc(/[0-9]+)?(/stat)?")


def blocked() -> list[str]:
    """The refused operations so far, as `"event: path"` strings."""
    return list(_BLOCKED)


def _record(entry: str) -> None:
    if entry not in _BLOCKED and len(_BLOCKED) < _MAX_RECORDED:
        _BLOCKED.append(entry)


def _roots(allowed) -> tuple[str, ...]:
    # Where tfgan_edu lives, without importing it (an editable install keeps
    # it outside site-packages).
    package = importlib.util.find_spec("tfgan_edu").submodule_search_locations
    candidates = [
        *allowed,
        sys.prefix,
        sys.exec_prefix,
        sys.base_prefix,
        sys.base_exec_prefix,
        *getattr(site, "getsitepackages", list)(),
        *package,
        f"/proc/{os.getpid()}",  # what /proc/self resolves to
    ]
    return tuple(sorted({os.path.realpath(p) for p in candidates if p}))


def install(allowed) -> None:
    """Installs the guard; it cannot be removed for the life of the process.

    Args:
        allowed: folders (besides the Python installation, site-packages and
            the tfgan_edu package) where files may be read and written.
    """
    roots = _roots(allowed)
    # Folders on sys.path may be listed (the import system does) but not read.
    listable = tuple(os.path.realpath(p or os.getcwd()) for p in sys.path)
    sys.dont_write_bytecode = True  # no writes into site-packages' __pycache__
    realpath, fspath = os.path.realpath, os.fsdecode

    def inside(path: str) -> bool:
        return (
            path in _DEVICES
            or _PROCESS_TABLE.fullmatch(path) is not None
            or any(path == root or path.startswith(root + os.sep) for root in roots)
        )

    def hook(event: str, args: tuple) -> None:
        if event in _PROGRAM_EVENTS:
            _record(f"{event}: {args[0]!r}"[:200])
            raise PermissionError(
                f"tfgan-edu grade: this notebook may not start other programs "
                f"({event}). Received: {args[0]!r}"
            )
        if event not in _PATH_EVENTS or not args:
            return
        paths = (
            args[:2]
            if event
            in ("os.rename", "os.link", "os.symlink", "shutil.copyfile", "shutil.move")
            else args[:1]
        )
        for raw in paths:
            if raw is None or isinstance(raw, int):  # an open file descriptor
                continue
            path = realpath(fspath(raw))
            if inside(path) or (
                event in ("os.listdir", "os.scandir") and path in listable
            ):
                continue
            _record(f"{event}: {path}")
            raise PermissionError(
                f"tfgan-edu grade: this notebook may only use files in its own "
                f"folder. Received: {event} {path!r}"
            )

    sys.addaudithook(hook)
