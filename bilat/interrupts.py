"""A record of Ctrl-C that survives code which swallows it.

DuckDB's Python client checks for signals while a query runs: a SIGINT that lands then becomes its own
"Query interrupted" error, or, when the query finishes first, nothing at all, and the run it was meant to stop
goes on to publish. Python's C-level signal handler writes every signal it catches to the wakeup fd, whichever
Python handler is installed at the time (Dagster swaps its own in around each step), so the byte is there even
when the exception was lost. The command line calls ``watch()`` once; the run loop and the publish step ask
``ctrl_c_seen()``. In a process that never called ``watch()`` (a run the UI launched) it is always False.
"""

from __future__ import annotations

import os
import signal
import threading

_pipe: tuple[int, int] | None = None
_seen = False


def watch() -> None:
    """Start recording SIGINT. Main thread only (Python's rule for signals); a second call does nothing."""
    global _pipe
    if _pipe is not None or threading.current_thread() is not threading.main_thread():
        return
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    _pipe = (read, write)


def ctrl_c_seen() -> bool:
    """Whether a SIGINT arrived since ``watch()``, even one the interrupted code swallowed."""
    global _seen
    if _pipe is None or _seen:
        return _seen
    try:
        while chunk := os.read(_pipe[0], 512):
            _seen |= signal.SIGINT in chunk
    except BlockingIOError:  # nothing more to read
        pass
    return _seen
