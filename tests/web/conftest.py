"""Fixtures of the web app tests (helpers live in web_helpers.py, imported by name)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# web_helpers (this folder) and the ELISA plate simulator of the assay tests
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "assay"))

from web_helpers import TOKEN, Server, make_client  # noqa: E402


@pytest.fixture
def ws():
    from sarcostat.web.workspace import Workspace

    w = Workspace()
    yield w
    w.close()


@pytest.fixture
def anon(ws):
    """A client without the token."""
    return make_client(ws)


@pytest.fixture
def client(ws):
    """A client holding the token cookie; ``client.csrf`` is the page's CSRF code."""
    c = make_client(ws)
    c.cookies.set("sarcostat_token", TOKEN)
    c.csrf = c.get("/api/session").json()["csrf_token"]
    return c


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()
