"""Docstrings are markdown for mkdocstrings: no raw Sphinx roles.

The API reference (docs/api.md) is generated from the docstrings by
mkdocstrings, which renders markdown, so ``:func:`x``` would appear on the
page as typed. Names are written in backticks (`sarcostat.io.read_cohort`)
instead. Checked on every docstring and ``#:`` attribute comment in src/.
"""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sarcostat"
ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj):`")


def _docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield getattr(node, "lineno", 1), doc
        # A string statement after an assignment: an attribute docstring.
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                yield node.lineno, node.value.value


def test_no_sphinx_role_in_any_docstring_or_attribute_comment():
    found = []
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC.parent)
        for line, doc in _docstrings(ast.parse(text)):
            for m in ROLE.finditer(doc):
                found.append(f"{rel}:{line}: {doc[m.start() : m.start() + 60]!r}")
        for k, line in enumerate(text.splitlines(), 1):
            if line.strip().startswith("#:") and ROLE.search(line):
                found.append(f"{rel}:{k}: {line.strip()}")
    assert not found, "Sphinx roles (write `name` instead):\n" + "\n".join(found)


def test_the_check_sees_a_role():
    tree = ast.parse('def f():\n    """See :func:`g`."""\n')
    assert any(ROLE.search(doc) for _, doc in _docstrings(tree))
