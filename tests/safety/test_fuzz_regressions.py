"""Regression tests for the failures the fuzz generator (fuzz.py) found, one
per general rule that fixed them."""

from __future__ import annotations

import pytest

from sarcostat.cli import main
from sarcostat.exceptions import PlanError, SchemaError
from sarcostat.io.readers import parse_toml

DEEP = "a = " + "[" * 3000 + "]" * 3000 + "\n"


def cli(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


# -- one TOML parser: nesting too deep is a message, not a RecursionError ------


@pytest.mark.parametrize(
    "text", [DEEP, "x = {" * 2000 + "}" * 2000, "[a\n", "x = 1\nx = 2\n", "n = 1e999999\n"]
)
def test_parse_toml_never_raises_anything_but_the_given_error(text):
    try:
        parse_toml(text, where="f.toml", error=PlanError)
    except PlanError as exc:
        assert str(exc).startswith("f.toml: not a valid TOML file")


def test_deeply_nested_plan_map_and_deficits_are_one_line_errors(tmp_path, capsys):
    from sarcostat.datasets import demo_cohort_path

    deep = tmp_path / "deep.toml"
    deep.write_text(DEEP, encoding="utf-8")
    for argv in (
        ["plan", "--check", deep],
        ["validate", demo_cohort_path(), "--map", deep],
        ["classify", demo_cohort_path(), "--definition", "frailty_index", "--deficits", deep],
    ):
        rc, out, err = cli(capsys, *argv)
        assert rc in (1, 2) and "Traceback" not in err and "bug in sarcostat" not in err, err
        assert "deep.toml" in err and "nested too deeply" in err


def test_map_syntax_error_is_a_schema_error(tmp_path):
    from sarcostat.io.mapping import load_mapping

    bad = tmp_path / "m.toml"
    bad.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"m\.toml: not a valid TOML file"):
        load_mapping(bad)
