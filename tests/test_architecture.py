"""Architecture rules that import-linter cannot express.

Layers, private modules and cycles are import-linter contracts in
pyproject.toml (run by `make lint`); these tests hold the rest:

- every HTML page of a report is rendered through the one autoescaping
  jinja2 environment, :func:`sarcostat.report.html.environment`: no other
  module builds an environment or a template from a string; the web app's
  own pages (``sarcostat.web``, above ``report``) have their environment,
  which autoescapes too; nothing turns autoescaping off;
- every plan step names a template that exists.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sarcostat

SRC = Path(sarcostat.__file__).parent
ENVIRONMENT_MODULE = SRC / "report" / "html.py"


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            yield name, node


def _on_the_environment(call: ast.Call) -> bool:
    """``environment().from_string(...)`` (or ``.overlay()`` of it)."""
    obj = call.func.value if isinstance(call.func, ast.Attribute) else None
    while isinstance(obj, ast.Call) and isinstance(obj.func, ast.Attribute):
        obj = obj.func.value  # environment().overlay().from_string(...)
    return (
        isinstance(obj, ast.Call)
        and isinstance(obj.func, ast.Name)
        and obj.func.id == "environment"
    )


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_one_jinja2_environment_and_it_autoescapes():
    builders = []
    for path, tree in _modules():
        for name, node in _calls(tree):
            if name == "from_string" and _on_the_environment(node):
                continue  # a template string rendered by the one environment
            if name in ("Environment", "Template", "from_string"):
                builders.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if name == "Environment":
                kws = {kw.arg: kw.value for kw in node.keywords}
                assert "autoescape" in kws, f"{where}: an environment without autoescape"
            for kw in node.keywords:
                if kw.arg == "autoescape":
                    value = kw.value
                    off = isinstance(value, ast.Constant) and value.value is False
                    assert not off, f"{where} turns autoescape off"
    rel = ENVIRONMENT_MODULE.relative_to(SRC)
    outside_web = [b.split(":")[0] for b in builders if not b.startswith("web/")]
    assert outside_web == [str(rel)], builders


def test_the_environment_escapes_what_it_renders():
    from sarcostat.report.html import environment

    env = environment()
    assert env.autoescape is True or env.autoescape("x.html.j2")
    text = env.from_string("{{ x }}").render(x="<script>alert(1)</script>")
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_every_plan_step_names_an_existing_template():
    from sarcostat.study.steps import all_steps

    templates = SRC / "report" / "templates"
    for name, step in all_steps().items():
        if step.template:
            assert (templates / step.template).is_file(), (name, step.template)
