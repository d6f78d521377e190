"""Fixtures for the io tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(text, name='cohort.csv', encoding='utf-8') -> path."""

    def _write(text: str, name: str = "cohort.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write
