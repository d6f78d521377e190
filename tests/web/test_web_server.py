"""`sarcostat serve` as a real process on 127.0.0.1: what the hidden check of the
issue looks for (loopback only, token, CSRF, Host, upload size) over a socket."""

from __future__ import annotations

import json
import re
import signal
import socket
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from web_helpers import DEMO, Server

from sarcostat.cli import main


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _req(url, *, data=None, headers=None, method=None, follow=True):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    b = uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    for k, (name, content) in files.items():
        out += (
            (
                f'--{b}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    return out + f"--{b}--\r\n".encode(), f"multipart/form-data; boundary={b}"


def _listening(port: int) -> list[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                found.append(addr)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/net/tcp")
def test_listens_on_loopback_only(server):
    assert server.url.startswith("http://127.0.0.1:")
    assert _listening(server.port) == ["0100007F"]  # 127.0.0.1, nothing else


def test_token_csrf_host_and_size_over_a_socket():
    srv = Server("--max-upload-mb", "0.05")
    try:
        base, tok = srv.base, srv.token
        auth = {"Authorization": f"Bearer {tok}"}
        assert _req(base + "/")[0] == 403
        assert _req(base + "/api/session", headers={"Authorization": "Bearer nope"})[0] == 403
        status, body, _ = _req(base + "/api/session", headers=auth)
        assert status == 200
        csrf = json.loads(body)["csrf_token"]
        # the printed address sets the cookie and takes the token out of the address
        status, _, headers = _req(srv.url, headers={"Accept": "text/html"}, follow=False)
        assert status == 303 and headers["location"] == "/"
        cookie = headers["set-cookie"].split(";")[0]
        assert _req(base + "/", headers={"Cookie": cookie, "Accept": "text/html"})[0] == 200
        assert _req(base + "/api/session", headers={**auth, "Host": "evil.example"})[0] == 403
        assert (
            _req(base + "/api/session", headers={**auth, "Host": f"attacker.test:{srv.port}"})[0]
            == 403
        )
        body, ctype = _multipart({}, {"file": ("demo_cohort.csv", DEMO.read_bytes())})
        h = {**auth, "Content-Type": ctype}
        assert _req(base + "/api/datasets", data=body, headers=h)[0] == 403  # no CSRF
        status, out, _ = _req(
            base + "/api/datasets", data=body, headers={**h, "X-CSRF-Token": csrf}
        )
        assert status == 201, out
        big, ctype = _multipart(
            {"csrf_token": csrf}, {"file": ("big.csv", DEMO.read_bytes() * 8)}
        )  # ~80 kB > 50 kB
        status, out, _ = _req(
            base + "/api/datasets", data=big, headers={**auth, "Content-Type": ctype}
        )
        assert status == 413 and b"--max-upload-mb" in out
        # a body many times the limit: the client still reads the refusal
        huge, ctype = _multipart({"csrf_token": csrf}, {"file": ("huge.csv", b"1," * 1_500_000)})
        status, out, _ = _req(
            base + "/api/datasets", data=huge, headers={**auth, "Content-Type": ctype}
        )
        assert status == 413
    finally:
        out, err = srv.stop()
    assert "WARNING" not in err


def test_workspace_is_deleted_when_the_server_stops(tmp_path):
    srv = Server(tmpdir=tmp_path)
    try:
        auth = {"Authorization": f"Bearer {srv.token}"}
        csrf = json.loads(_req(srv.base + "/api/session", headers=auth)[1])["csrf_token"]
        body, ctype = _multipart({"csrf_token": csrf}, {"file": ("c.csv", DEMO.read_bytes())})
        status, out, _ = _req(
            srv.base + "/api/datasets", data=body, headers={**auth, "Content-Type": ctype}
        )
        assert status == 201
        (ws,) = tmp_path.glob("sarcostat-serve-*")
        assert list(ws.rglob("c.csv"))
        srv.proc.send_signal(signal.SIGINT)  # Ctrl+C
        assert srv.proc.wait(timeout=30) == 0
    finally:
        out, err = srv.stop()
    assert "temporary files were deleted" in out
    assert list(tmp_path.glob("sarcostat-serve-*")) == []


def test_another_host_prints_a_warning():
    # 127.0.0.2 is still this machine (the loopback network), but not the default
    srv = Server("--host", "127.0.0.2")
    try:
        assert srv.url.startswith("http://127.0.0.2:")
    finally:
        out, err = srv.stop()
    assert "WARNING" in err and "127.0.0.2" in err


def test_port_in_use_is_a_clear_error(capsys):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        rc = main(["serve", "--no-browser", "--port", str(port)])
    finally:
        s.close()
    assert rc == 2
    err = capsys.readouterr().err
    assert re.search(r"cannot listen on 127\.0\.0\.1:\d+", err) and "--port" in err


def test_bad_options(capsys):
    assert main(["serve", "--no-browser", "--port", "70000"]) == 2
    assert main(["serve", "--no-browser", "--max-upload-mb", "0"]) == 2
    assert "must be a positive number" in capsys.readouterr().err


def test_the_documented_api_example_runs(tmp_path, monkeypatch):
    """The Python example of docs/web.md, against a real server, gives a report ZIP."""
    import zipfile

    from web_helpers import clinic_cohort

    text = (Path(__file__).parents[2] / "docs" / "web.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    clinic_cohort(tmp_path / "cohort.csv")
    monkeypatch.chdir(tmp_path)
    srv = Server()
    try:
        code = re.sub(
            r"^BASE, TOKEN = .*$", f"BASE, TOKEN = {srv.base!r}, {srv.token!r}", code, flags=re.M
        )
        exec(compile(code, "docs/web.md", "exec"), {})
    finally:
        srv.stop()
    z = zipfile.ZipFile(tmp_path / "report.zip")
    results = json.loads(z.read("report/results.json"))
    assert results["cohort"]["n"] == 129 and results["biomarker"]["column"] == "sclerostin"
