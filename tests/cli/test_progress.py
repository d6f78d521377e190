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


def _tty_run(monkeypatch, args):
    from sarcostat.cli import main

    tty = _Tty()
    monkeypatch.setattr("sys.stderr", tty)
    try:
        code = main(args)
    finally:
        progress.configure(quiet=False, stream=None)
    return code, tty.getvalue()


def test_simulate_shows_a_bar_on_a_terminal_and_q_silences_it(tmp_path, monkeypatch, capsys):
    args = ["simulate", "--n", "50", "--seed", "3", "-o", str(tmp_path / "c.csv")]
    code, err = _tty_run(monkeypatch, args)
    assert code == 0 and "simulate" in err and "step" in err
    code, err = _tty_run(monkeypatch, [*args, "--force", "-q"])
    assert code == 0 and err == ""
    # -q silences progress only: the files written are still named.
    assert "wrote" in capsys.readouterr().out
    assert len((tmp_path / "c.csv").read_text().splitlines()) == 51


def test_validate_q_silences_its_bar(monkeypatch, capsys):
    from sarcostat.datasets import demo_mapping_path

    data = demo_mapping_path().with_suffix(".csv")
    args = ["validate", str(data), "--map", str(demo_mapping_path())]
    code, err = _tty_run(monkeypatch, args)
    assert code == 0 and "validate" in err
    code, err = _tty_run(monkeypatch, [*args, "-q"])
    assert code == 0 and err == ""


def test_every_command_that_can_take_long_has_quiet():
    """Issue 20 point 3: the commands that can run for more than a second."""
    from sarcostat.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in (
        "validate",
        "classify",
        "analyze",
        "demo",
        "reproduce",
        "screen",
        "power",
        "simulate",
        "elisa",
    ):
        options = {s for a in sub.choices[name]._actions for s in a.option_strings}
        assert {"-q", "--quiet"} <= options, name
