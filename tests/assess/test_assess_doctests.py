"""The Examples sections of the assess docstrings run and give what they show."""

import doctest
import importlib

import pytest

MODULES = ["agreement", "classification", "sppb", "sps"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"sarcostat.assess.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_package_init_only_hands_names_on():
    # Logic lives in named modules; the package's __init__ re-exports them
    # (lazily: the names under `if TYPE_CHECKING:`, the lookup in `else:`).
    import ast
    from pathlib import Path

    import sarcostat.assess as pkg

    tree = ast.parse(Path(pkg.__file__).read_text(encoding="utf-8"))
    body = list(tree.body)
    for node in tree.body:
        if isinstance(node, ast.If):
            assert isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
            body += node.body + node.orelse
    kinds = {type(node).__name__ for node in body}
    assert kinds <= {"Expr", "ImportFrom", "Import", "Assign", "If"}, kinds
    for name in pkg.__all__:
        assert getattr(pkg, name).__module__.startswith("sarcostat.assess.")
