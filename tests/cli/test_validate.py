"""`sarcostat validate`: output, exit codes, untouched inputs, no tracebacks."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sarcostat.cli import main
from sarcostat.datasets import example_cohort_path


def _sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_example_cohort_validates_cleanly(capsys):
    assert main(["validate", str(example_cohort_path())]) == 0
    out = capsys.readouterr().out
    assert "mapped 'HGS' -> grip_kg" in out
    assert "mapped 'Height (cm)' -> height_cm" in out
    assert out.strip().splitlines()[-1].startswith("example_cohort.csv: 12 participants, ")
    assert "0 errors" in out


def test_errors_give_a_table_a_summary_and_exit_1(tmp_path, capsys):
    path = tmp_path / "cohort.csv"
    path.write_text("id,grip_kg,height\nS0123,-3,170\nS0124,30,1.7\nS0124,25,165\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("severity"))
    assert header.split() == ["severity", "rule", "row", "id", "column", "value", "problem"]
    assert any(
        "S0123" in line and "grip_kg" in line and "below the allowed minimum 0 kg" in line
        for line in lines
    )
    assert any("duplicate_id" in line and "S0124" in line for line in lines)
    assert lines[-1] == "cohort.csv: 3 participants, 3 columns; 3 errors, 0 warnings, 1 note."


def test_map_sheet_and_decimal_options(tmp_path, capsys):
    xlsx = tmp_path / "c.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as xw:
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="README", index=False)
        pd.DataFrame({"Pt": ["A", "B"], "Ht": [1.6, 1.7]}).to_excel(
            xw, sheet_name="data", index=False
        )
    toml = tmp_path / "m.toml"
    toml.write_text('[columns]\nPt = "id"\nHt = {name = "height_cm", unit = "m"}\n')
    assert main(["validate", str(xlsx), "--sheet", "data", "--map", str(toml)]) == 0
    csv = tmp_path / "comma.csv"
    csv.write_text("id;height\nA;160,5\n")
    assert main(["validate", str(csv)]) == 1
    assert "--decimal ," in capsys.readouterr().out
    assert main(["validate", str(csv), "--decimal", ","]) == 0


def test_usage_and_read_errors_have_clear_messages(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "absent.csv")]) == 1
    err = capsys.readouterr().err
    assert "No such file" in err and "absent.csv" in err and "Traceback" not in err
    assert main(["validate", "x.csv", "--decimal", ";"]) == 2
    assert main(["validate", "x.csv", "--no-such-flag"]) == 2
    amb = tmp_path / "amb.csv"
    amb.write_text("id,HGS,Grip strength\nA,30,31\n")
    assert main(["validate", str(amb)]) == 1
    err = capsys.readouterr().err
    assert "'HGS', 'Grip strength' could all be grip_kg" in err


@pytest.mark.parametrize("kind", ["csv", "xlsx", "sav", "dta", "parquet"])
def test_input_bytes_are_unchanged(tmp_path, kind):
    df = pd.DataFrame({"id": ["A", "B"], "sex": ["M", "X"], "hgs": [30.0, -3.0]})
    path = tmp_path / f"c.{kind}"
    if kind == "csv":
        df.to_csv(path, index=False)
    elif kind == "xlsx":
        df.to_excel(path, index=False)
    elif kind == "parquet":
        df.to_parquet(path)
    else:
        import pyreadstat

        (pyreadstat.write_dta if kind == "dta" else pyreadstat.write_sav)(df, str(path))
    before, mtime = _sha(path), path.stat().st_mtime_ns
    assert main(["validate", str(path)]) == 1
    assert _sha(path) == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing written beside it


_GARBAGE_DIR = Path(tempfile.mkdtemp(prefix="sarcostat-garbage-"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=300),
        st.text(
            alphabet=st.sampled_from(list('abc,;\t|"\n\r 0123456789.-<>unableND')), max_size=300
        ),
        st.binary(max_size=200),
    )
)
def test_garbage_gives_a_clean_error_never_a_traceback(content):
    path = _GARBAGE_DIR / "garbage.csv"
    path.write_bytes(
        content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    )
    # Any exception escaping main() would be a traceback for the user.
    code = main(["validate", str(path)])
    assert code in (0, 1)


def teardown_module(module):
    shutil.rmtree(_GARBAGE_DIR, ignore_errors=True)


def test_console_script_runs_without_traceback(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,age\nA,150\n")
    out = subprocess.run(
        [sys.executable, "-m", "sarcostat", "validate", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "above the allowed maximum 120 yr" in out.stdout and "Traceback" not in out.stderr


def test_validate_does_not_import_analysis_libraries(tmp_path):
    # validate needs pandas, but not the statistics or plotting stacks.
    path = tmp_path / "c.csv"
    path.write_text("id,age\nA,70\n")
    code = (
        "import sys, contextlib, io\n"
        "from sarcostat.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['validate', {str(path)!r}]) == 0\n"
        "print(','.join(m for m in ('scipy', 'statsmodels', 'matplotlib', 'docx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
