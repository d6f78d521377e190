"""Fixtures shared by the test packages."""

import os

import pytest


@pytest.fixture
def fork_pids(monkeypatch):
    """The pids of the copies `split` forks (recorded in this process)."""
    pids = []
    real_fork = os.fork

    def recording_fork():
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return pids
