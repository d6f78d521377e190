"""The screen's HTML page in headless Chromium: renders, screenshot, the
SYNTHETIC banner at the top of the page (issue 17 point 6).

Run by `make test-browser` (marker ``chromium``); skipped where Chromium is
absent.
"""

import shutil
import subprocess

import numpy as np
import pytest

from sarcostat.report.screen_report import write_screen_html
from sarcostat.stats.screen import screen

pytestmark = pytest.mark.chromium

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"]


@pytest.fixture(scope="module")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.skip("Chromium is not installed (Debian: `make chromium`).")


def test_screen_page_screenshot(chromium, data, tmp_path):
    from PIL import Image

    cohort, bio = data
    res = screen(cohort, bio, outcomes=["smi", "sarcopenia"], covariates=["age_yr", "sex_male"])
    labels = {c: f"Assay {c.upper()} (pg/mL)" for c in bio.columns[1:]}
    page = write_screen_html(res, tmp_path / "screen.html", labels=labels, synthetic=True)
    shot = tmp_path / "screen.png"
    proc = subprocess.run(
        [
            chromium,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,1600",
            f"--screenshot={shot}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 1600)
    # The banner's red (#b00020) is drawn near the top of the page, and the
    # embedded volcano plot below it is not blank.
    px = np.asarray(img, dtype=int)
    top = px[:250]
    red = (top[..., 0] > 150) & (top[..., 1] < 60) & (top[..., 2] < 70)
    assert red.sum() > 200
    figure = px[250:1000].reshape(-1, 3)
    assert len(np.unique(figure, axis=0)) > 50
