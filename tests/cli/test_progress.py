"""The one progress mechanism: silent with -q and whenever stderr is not a terminal."""

import io

from sarcostat import progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_bar_draws_on_a_terminal_and_not_when_quiet():
    stream = _Tty()
    progress.configure(quiet=False, stream=stream)
    try:
        with progress.progress_bar(total=2, desc="models", unit="models") as bar:
            bar.update(2)
        assert "models" in stream.getvalue()
        quiet = _Tty()
        progress.configure(quiet=True, stream=quiet)
        assert list(progress.track([1, 2, 3], desc="rows")) == [1, 2, 3]
        assert quiet.getvalue() == ""
    finally:
        progress.configure(quiet=False, stream=None)


def test_no_bar_when_stderr_is_not_a_terminal():
    stream = io.StringIO()
    progress.configure(quiet=False, stream=stream)
    try:
        assert not progress.enabled()
        with progress.progress_bar(total=5, desc="validate") as bar:
            bar.update(5)
        assert stream.getvalue() == ""
    finally:
        progress.configure(quiet=False, stream=None)
