"""The ELISA QC page in headless Chromium: renders (screenshot reviewed), prints, no
console errors, nothing loaded from elsewhere.

Run by `make test-browser` (marker ``chromium``); skipped, with the reason,
where Chromium is absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.chromium

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
_PAGE_TROUBLE = re.compile(r":CONSOLE[:(]|uncaught|net::err_", re.IGNORECASE)


@pytest.fixture(scope="module")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.skip("Chromium is not installed (Debian: `make chromium` installs it).")


@pytest.fixture(scope="module")
def qc_page(tmp_path_factory):
    """The QC report of the tutorial's two bundled plates (kit preset: both accepted,
    with flagged wells)."""
    from sarcostat.cli import main
    from sarcostat.datasets import examples_path

    root = examples_path() / "elisa"
    out = tmp_path_factory.mktemp("qc") / "elisa"
    argv = ["elisa", str(root / "run1_softmax.txt"), str(root / "run2_gen5.txt")]
    argv += ["--layout", str(root / "layout_run1.csv")]
    argv += ["--layout", str(root / "layout_run2.csv")]
    argv += ["--reference", "620", "--analyte", "dkk1", "--lod", "1.5", "--acceptance", "kit"]
    assert main([*argv, "-o", str(out), "--figure-format", "svg"]) == 0
    return out / "qc_report.html"


def _run(exe, profile, *args):
    cmd = [exe, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("width", [390, 1280])
def test_qc_page_screenshot(chromium, qc_page, tmp_path, width):
    from PIL import Image

    shot = tmp_path / f"qc-{width}.png"
    proc = _run(
        chromium,
        tmp_path / "profile",
        f"--window-size={width},2400",
        f"--screenshot={shot}",
        qc_page.resolve().as_uri(),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [ln for ln in proc.stderr.splitlines() if _PAGE_TROUBLE.search(ln)] == []
    img = Image.open(shot).convert("RGB")
    assert img.size == (width, 2400)
    # the page is drawn: the verdict badge (green) and the heat map (viridis) are there
    colours = img.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 500
    assert any(g > 180 and r < 120 and b < 150 for _n, (r, g, b) in colours)  # viridis green
    # nothing is wider than a phone screen (tables scroll inside their box)
    dom = _run(chromium, tmp_path / "p2", f"--window-size={width},2400", "--dump-dom",
               qc_page.resolve().as_uri())  # fmt: skip
    assert "Run verdicts" in dom.stdout and dom.stdout.count("<svg") == 4


def test_qc_page_prints_with_content_on_the_first_page(chromium, qc_page, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "qc.pdf"
    proc = _run(
        chromium,
        tmp_path / "p3",
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
        qc_page.resolve().as_uri(),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert "dkk1 immunoassay QC report" in pages[0] and "Run verdicts" in pages[0]
    assert all(page.strip() for page in pages)  # no blank page
    # each plate's section starts a page of its own
    starts = [p for p in pages if "Acceptance verdict" in p]
    assert len(starts) == 2 and all(p.lstrip().startswith("Plate ") for p in starts)
