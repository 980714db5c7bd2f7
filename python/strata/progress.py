"""Compile progress on the parent's side: the stage events the compiling child sends
(strata.worker) drawn as a progress bar on a terminal, or as one plain line per stage.

    display = Progress.open(mode, label="model.onnx")   # mode: "bar", "lines" or None
    run_isolated(request, on_progress=display.update)
    display.close(ok=True)

`choose_mode(progress)` decides for `strata.compile(progress=...)`: True shows it (a bar on a
terminal, lines otherwise), False hides it, None (the default) shows a bar only when stderr is
a terminal, so scripts, logs and test runs stay quiet. `STRATA_PROGRESS=0|1` overrides the
default (None) either way. stratac shows it unless `-q`.

Dependency contract: the standard library; tqdm (pinned in pyproject) for the bar.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import IO, Any

REFRESH_S = 0.5  # how often the bar's clock is redrawn while a stage runs


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def choose_mode(progress: bool | None, stream: IO[str] | None = None) -> str | None:
    """'bar', 'lines' or None (nothing) for `progress` True / False / None (see above)."""
    stream = sys.stderr if stream is None else stream
    if progress is None:
        env = os.environ.get("STRATA_PROGRESS", "")
        if env in ("0", "1"):
            progress = env == "1"
        elif not _is_tty(stream):
            return None
        else:
            progress = True
    if not progress:
        return None
    return "bar" if _is_tty(stream) else "lines"


def format_line(prefix: str, event: dict[str, Any]) -> str:
    """The plain form of one stage event: 'PREFIX: [3/8] lowering linalg to LLVM (t=1.2 s)'."""
    return (
        f"{prefix}: [{event.get('step', '?')}/{event.get('total', '?')}] "
        f"{event.get('stage', '')} (t={float(event.get('elapsed', 0.0)):.1f} s)"
    )


class Progress:
    """A progress display; `update` takes the worker's events, `close` ends the display."""

    def __init__(self, mode: str | None, prefix: str, stream: IO[str] | None = None) -> None:
        self.mode, self.prefix = mode, prefix
        self.stream = sys.stderr if stream is None else stream
        self._bar: Any = None
        self._seen = False
        self._t0 = time.perf_counter()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @classmethod
    def open(cls, mode: str | None, prefix: str = "strata") -> Progress:
        return cls(mode, prefix)

    def update(self, event: dict[str, Any]) -> None:
        self._seen = True
        if self.mode == "lines":
            print(format_line(self.prefix, event), file=self.stream, flush=True)
        elif self.mode == "bar":
            self._update_bar(event)

    def _update_bar(self, event: dict[str, Any]) -> None:
        from tqdm import tqdm

        total, step = int(event.get("total", 1)), int(event.get("step", 1))
        desc = f"{self.prefix}: {event.get('stage', '')}"
        if self._bar is None:
            self._bar = tqdm(
                desc=desc,
                initial=max(0, step - 1),
                total=total,
                file=self.stream,
                bar_format="{desc} |{bar:20}| {n_fmt}/{total_fmt} [{elapsed}]",
                leave=True,
                dynamic_ncols=True,
            )
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        bar = self._bar
        with bar.get_lock():
            bar.total = max(bar.total or 0, total)
            bar.set_description_str(desc, refresh=False)
            bar.update(max(0, step - 1 - bar.n))  # the steps before this one are done

    def _tick(self) -> None:
        while not self._stop.wait(REFRESH_S):
            bar = self._bar
            if bar is not None:
                with bar.get_lock():
                    bar.refresh()

    def close(self, ok: bool = True) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        bar, self._bar = self._bar, None
        if self.mode == "lines" and self._seen:
            verdict = "compiled" if ok else "failed"
            took = time.perf_counter() - self._t0
            print(f"{self.prefix}: {verdict} in {took:.1f} s", file=self.stream, flush=True)
        if bar is None:
            return
        with bar.get_lock():
            if ok:
                bar.set_description_str(f"{self.prefix}: compiled", refresh=False)
                bar.update(max(0, (bar.total or 0) - bar.n))
            else:
                bar.set_description_str(f"{self.prefix}: failed", refresh=False)
        bar.close()
