"""The CLI collects reference cycles less often while a command runs
(`cli._tune_gc`), and puts the thresholds back afterwards."""

from __future__ import annotations

import gc

import pytest

from sarcostat import cli


@pytest.fixture
def thresholds_during_command(monkeypatch):
    """Run ``sarcostat validate x.csv`` with the command itself replaced by a
    probe; return (thresholds while it ran, thresholds after)."""
    saved = gc.get_threshold()
    seen = []

    def probe(args):
        seen.append(gc.get_threshold())
        return 0

    monkeypatch.setattr(cli, "_run", probe)

    def run(before):
        gc.set_threshold(*before)
        assert cli.main(["validate", "x.csv"]) == 0
        return seen[-1], gc.get_threshold()

    yield run
    gc.set_threshold(*saved)


def test_default_thresholds_are_raised_for_the_command_and_restored(thresholds_during_command):
    during, after = thresholds_during_command((700, 10, 10))
    assert during == (cli._GC_THRESHOLD, 10, 10)
    assert after == (700, 10, 10)


def test_a_callers_own_thresholds_are_kept(thresholds_during_command):
    during, after = thresholds_during_command((500, 5, 5))
    assert during == after == (500, 5, 5)
