"""The HTML report in headless Chromium: renders, screenshot, no console errors.

Run by `make test-browser` (marker ``chromium``); `make chromium` installs
Debian's chromium. Skipped, with the reason, where it is absent.
"""

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
]


@pytest.fixture(scope="session")
def chromium():
    """Path of the Chromium executable; checked before the report is built."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.skip(
        "Chromium is not installed (Debian: `make chromium` installs it); "
        "the HTML report was not rendered in a browser."
    )


def _run(exe, profile, *args):
    # --enable-logging=stderr --v=0 makes Chromium print the page's console
    # messages ("CONSOLE(...)") and failed loads on stderr.
    cmd = [exe, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


# Chromium logs a page's console messages as "...:INFO:CONSOLE:12] "text", source:"
# (older builds: "CONSOLE(12)"), uncaught script errors as "Uncaught ..." and
# failed loads as net::ERR_...; its own process noise (dbus...) is not the page's.
_PAGE_TROUBLE = re.compile(r":CONSOLE[:(]|uncaught|net::err_", re.IGNORECASE)


def _console_errors(stderr):
    return [line for line in stderr.splitlines() if _PAGE_TROUBLE.search(line)]


def test_console_messages_are_detected(chromium, tmp_path):
    # The check below must be able to fail: a page that logs an error is caught.
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>console.error('boom');</script></body></html>")
    proc = _run(chromium, tmp_path / "p0", "--dump-dom", page.as_uri())
    assert any("boom" in line for line in _console_errors(proc.stderr)), proc.stderr[-2000:]


@pytest.mark.parametrize("width", [390, 1280])
def test_report_renders_without_console_errors(chromium, analyzed, tmp_path, width):
    exe = chromium
    report = (analyzed[3] / "report.html").resolve()
    shot = tmp_path / f"report-{width}.png"
    proc = _run(
        exe,
        tmp_path / "profile",
        f"--window-size={width},4000",
        f"--screenshot={shot}",
        report.as_uri(),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _console_errors(proc.stderr) == []


def test_report_dom_and_print(chromium, analyzed, tmp_path):
    exe = chromium
    report = (analyzed[3] / "report.html").resolve()
    dom = _run(exe, tmp_path / "p1", "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    for needle in ("Table 1.", "Table 2.", "Table 3.", "Figure 1.", "Figure 2.", "Methods"):
        assert needle in dom.stdout
    assert _console_errors(dom.stderr) == []
    pdf = tmp_path / "report.pdf"
    printed = _run(
        exe, tmp_path / "p2", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri()
    )
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-"
