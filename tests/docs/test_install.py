"""Install anywhere: the sdist and wheel build, pass twine, carry every data file,
and the installed console script runs the demo and the tutorial outside the source tree.

The slow test is run by ``make test-install`` (and so by ``.ci/run``). It needs
no network: the packages are built without build isolation (setuptools and
build come with the ``dev`` extra), and the fresh virtual environment sees the
project environment's dependencies through a ``.pth`` line, but not its
editable sarcostat: the only sarcostat it can import is the installed wheel.
"""

import fnmatch
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from doc_commands import steps

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "sarcostat"


def _data_files() -> list[str]:
    """Non-Python files of the package (git-tracked when git is there), relative to it."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "src/sarcostat"], cwd=ROOT, capture_output=True, text=True
        )
        files = [Path(line) for line in out.stdout.splitlines()] if out.returncode == 0 else []
    except OSError:
        files = []
    if not files:
        files = [p.relative_to(ROOT) for p in PKG.rglob("*") if p.is_file()]
    rel = [p.relative_to("src/sarcostat").as_posix() for p in files]
    return sorted(r for r in rel if not r.endswith((".py", ".pyc")) and "__pycache__" not in r)


def test_package_data_patterns_cover_every_data_file():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["sarcostat"]
    # setuptools globs do not cross folders: '*' matches within one folder only
    missing = [
        f
        for f in _data_files()
        if not any(fnmatch.fnmatch(f, p) and f.count("/") == p.count("/") for p in patterns)
    ]
    assert not missing, f"add these to [tool.setuptools.package-data] in pyproject.toml: {missing}"


def _env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    """A fresh venv with the wheel installed; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the dependencies (numpy, pandas, ...) of the project environment, not its sarcostat
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "project_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    (wheel,) = dist.glob("*.whl")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return py.parent


@pytest.mark.slow
def test_sdist_and_wheel_pass_twine_check(dist):
    files = sorted(dist.iterdir())
    assert sorted(f.suffix for f in files) == [".gz", ".whl"]
    twine = shutil.which("twine", path=str(Path(sys.executable).parent)) or shutil.which("twine")
    assert twine, "twine is in the dev extra"
    run = subprocess.run(
        [twine, "check", "--strict", *map(str, files)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_wheel_carries_every_data_file_licence_and_metadata(dist):
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _data_files() if f"sarcostat/{f}" not in names]
    assert not missing, missing
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = zipfile.ZipFile(wheel).read(meta_name).decode()
    assert "License-Expression: BSD-3-Clause" in meta
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "Requires-Python: >=3.11" in meta


@pytest.mark.slow
def test_installed_wheel_runs_demo_and_tutorial_outside_the_source_tree(installed, tmp_path):
    exe = installed / ("sarcostat.exe" if os.name == "nt" else "sarcostat")
    py = installed / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [str(py), "-c", "import sarcostat; print(sarcostat.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where
    assert not Path(where).is_relative_to(ROOT)

    from sarcostat import __version__

    ver = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=_env())
    assert ver.stdout.strip() == f"sarcostat {__version__}"

    demo = subprocess.run(
        [str(exe), "demo", "-o", "demo_output", "-q"],
        cwd=work,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "SYNTHETIC" in (work / "demo_output" / "report.html").read_text()

    cwd = work
    for step in steps(ROOT / "docs" / "tutorial.md"):
        if step.kind == "cd":
            cwd = cwd / step.argv[1]
        elif step.kind == "sarcostat":
            run = subprocess.run(
                [str(exe), *step.argv[1:]], cwd=cwd, capture_output=True, text=True, env=_env()
            )
            msg = (
                f"{step.where(ROOT / 'docs/tutorial.md')}\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
            )
            assert run.returncode == step.exit_code, msg
            assert "Traceback" not in run.stderr, msg
        elif step.kind == "python":
            run = subprocess.run(
                [str(py), "-c", step.text], cwd=cwd, capture_output=True, text=True, env=_env()
            )
            assert run.returncode == 0, step.where(ROOT / "docs/tutorial.md") + run.stderr
    assert (cwd / "report_dkk1" / "report.html").exists()
