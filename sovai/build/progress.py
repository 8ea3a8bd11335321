"""Progress output of a build: a live status line on a terminal, plain lines when piped."""

from __future__ import annotations

import sys
import threading

__all__ = ["Progress"]


class Progress:
    """Thread-safe progress display: a live status line on a TTY, plain lines otherwise."""

    def __init__(self, stream=None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.quiet = quiet
        self.lock = threading.Lock()
        self.current: dict[str, str] = {}
        self.done = 0
        self.total = 0

    def _status(self) -> str:
        running = " ".join(f"[{n} {c}]" for n, c in sorted(self.current.items()))
        return f"({self.done}/{self.total}) {running}"[:200]

    def _emit(self, line: str | None) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
            if line:
                self.stream.write(line + "\n")
            self.stream.write(self._status())
        elif line:
            self.stream.write(line + "\n")
        self.stream.flush()

    def cell(self, name: str, index: int, total: int) -> None:
        """Report that ``name`` started cell ``index`` of ``total``."""
        with self.lock:
            self.current[name] = f"cell {index}/{total}"
            if self.tty:  # piped (CI, a log file): only start, finish and failures, not every cell
                self._emit(None)

    def event(self, name: str, message: str, *, finished: bool = False) -> None:
        """Print a line about ``name`` (``finished`` counts it as done)."""
        with self.lock:
            if finished:
                self.current.pop(name, None)
                self.done += 1
            self._emit(f"[{name}] {message}")

    def close(self) -> None:
        """Clear the status line."""
        if self.tty and not self.quiet:
            with self.lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
