"""Progress bars: one mechanism for every step that can take more than a second.

Every layer reports progress through `progress_bar`; the command line
decides once, with `configure`, whether bars are shown at all (``-q``
turns them off). Bars are drawn by tqdm on standard error, and only when
standard error is a terminal, so logs, pipes and the web app's captured
output never fill with redraw lines.

Example
-------
>>> from sarcostat.progress import progress_bar
>>> with progress_bar(total=3, desc="models") as bar:
...     for _ in range(3):
...         bar.update(1)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_state: dict[str, Any] = {"quiet": False, "stream": None}


def configure(*, quiet: bool, stream: Any = None) -> None:
    """Set, for this process, whether bars are silenced (``-q``) and where they go.

    ``stream`` is the raw standard error: the CLI wraps ``sys.stderr`` to escape
    control characters in messages, and a bar needs its carriage returns.
    """
    _state["quiet"] = bool(quiet)
    _state["stream"] = stream


def _stream() -> Any:
    return _state["stream"] if _state["stream"] is not None else sys.stderr


def enabled(stream: Any = None) -> bool:
    """True when bars would be drawn: not quiet and stderr is a terminal."""
    if _state["quiet"]:
        return False
    stream = _stream() if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


@contextmanager
def progress_bar(*, total: float | None = None, desc: str = "", unit: str = "it") -> Iterator[Any]:
    """A tqdm bar on stderr, or a silent stand-in with the same ``update``.

    Parameters
    ----------
    total : number of units expected (None when unknown, e.g. CSV chunks).
    desc : short label shown before the bar ("validate", "Table 1").
    unit : name of one unit ("rows", "models", "biomarkers").

    tqdm is imported only when a bar is drawn (a terminal, no ``-q``): its
    import (asyncio, importlib.metadata) costs a tenth of a second at
    start-up that scripts, pipes and ``-q`` runs never pay.
    """
    if not enabled():
        silent = _Silent(total)
        try:
            yield silent
        finally:
            silent.close()
        return
    from tqdm.auto import tqdm

    bar = tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=_stream(),
        leave=False,
        dynamic_ncols=True,
        # Unit scaling keeps a 10**6-row count readable (1.00M rows).
        unit_scale=True,
    )
    try:
        yield bar
    finally:
        bar.close()


def track(
    items: Iterable[T], *, desc: str = "", unit: str = "it", total: int | None = None
) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar (see `progress_bar`)."""
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    with progress_bar(total=total, desc=desc, unit=unit) as bar:
        for item in items:
            yield item
            bar.update(1)


class _Silent:
    """The stand-in of a bar that is not drawn: counts like tqdm (``n``,
    ``total``, ``update``), shows nothing."""

    def __init__(self, total: float | None = None) -> None:
        self.n: float = 0
        self.total = total

    def update(self, n: float = 1) -> None:
        self.n += n

    def close(self) -> None:
        pass

    def set_description(self, *args: Any, **kwargs: Any) -> None:
        pass

    def set_postfix_str(self, *args: Any, **kwargs: Any) -> None:
        pass

    def refresh(self, *args: Any, **kwargs: Any) -> None:
        pass
