"""Helpers of the web app tests: an in-process app (ASGI test client), a real
``sarcostat serve`` process on 127.0.0.1, and a clinic-style cohort."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

DEMO = Path(__file__).parents[2] / "src" / "sarcostat" / "datasets" / "demo_cohort.csv"
TOKEN = "test-token-0123456789"


def make_client(ws, **kw):
    from starlette.testclient import TestClient

    from sarcostat.web.app import create_app

    app = create_app(ws, token=TOKEN, allowed_hosts={"testserver"}, **kw)
    return TestClient(app)


def clinic_cohort(path: Path) -> Path:
    """The demo cohort as a clinic might export it: sex coded 1/2 under 'Gender',
    the biomarker under a bare 'SOST' header (no unit, so it must be mapped)."""
    d = pd.read_csv(DEMO, dtype=str)
    d["sex"] = d["sex"].map({"male": "1", "female": "2"})
    d = d.rename(columns={"sex": "Gender", "sclerostin": "SOST", "id": "Subject ID"})
    d.to_csv(path, index=False)
    return path


CLINIC_MAP = {
    "columns": {"Subject ID": "id"},
    "codes": {"sex": {"1": "male", "2": "female"}},
    "biomarkers": {"sclerostin": {"unit": "pmol/L", "column": "SOST", "lod": 3.2}},
    "protocol": {"muscle_mass_method": "bia"},
}


def upload(client, path: Path, **data):
    with open(path, "rb") as fh:
        return client.post(
            "/api/datasets",
            files={"file": (path.name, fh, "application/octet-stream")},
            data={"csrf_token": client.csrf, **data},
        )


class Server:
    """``sarcostat serve --no-browser --port 0`` in a subprocess."""

    def __init__(self, *args: str, timeout: float = 60, tmpdir: Path | None = None):
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
        if tmpdir is not None:
            env["TMPDIR"] = str(tmpdir)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sarcostat", "serve", "--no-browser", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # SIGINT as at a terminal, also when the tests run as a
            # background job (which inherits it ignored): the tests send Ctrl+C
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.url = None
        deadline = time.monotonic() + timeout
        lines = []
        while time.monotonic() < deadline:  # bounded: the address is the second line
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"(http://\S+/\?token=(\S+))", line)
            if m:
                self.url, self.token = m.group(1), m.group(2)
                break
        if self.url is None:
            self.stop()
            raise RuntimeError("serve did not start: " + "".join(lines) + self.proc.stderr.read())
        m = re.match(r"http://([^/]+)/", self.url)
        self.netloc = m.group(1)
        self.base = f"http://{self.netloc}"
        self.port = int(self.netloc.rsplit(":", 1)[1])

    def stop(self) -> tuple[str, str]:
        """Stop (SIGTERM) if still running; the rest of its stdout and its stderr."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        # read() through the text buffers (readline above may have read ahead)
        return self.proc.stdout.read(), self.proc.stderr.read()


def mapped_dataset(client, tmp_path) -> str:
    """Upload the clinic-style cohort and send its map through the API; the dataset id."""
    r = upload(client, clinic_cohort(tmp_path / "clinic.csv"))
    assert r.status_code == 201, r.text
    did = r.json()["id"]
    r = client.post(
        f"/api/datasets/{did}/mapping",
        json={"mapping": CLINIC_MAP},
        headers={"x-csrf-token": client.csrf},
    )
    assert r.status_code == 200, r.text
    return did


def run_wait(client, did) -> dict:
    r = client.post(
        "/api/runs", json={"dataset": did, "wait": True}, headers={"x-csrf-token": client.csrf}
    )
    assert r.status_code == 202, r.text
    return r.json()


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m sarcostat ARGS`` in a fresh process, as a user runs it (the
    Methods paragraph names the libraries a process has loaded, so an
    in-process run after other tests can differ in that sentence)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    return subprocess.run(
        [sys.executable, "-m", "sarcostat", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )
