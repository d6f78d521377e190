"""Every security rule of `sarcostat serve`, through the ASGI test client."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from web_helpers import DEMO, TOKEN, make_client, upload

from sarcostat.web.security import csrf_for

PAGES = ["/", "/help", "/elisa", "/api/session", "/api/datasets"]


def _post_routes(app):
    inner = app.app  # the Starlette app inside the Guard
    out = []
    for r in inner.routes:
        if "POST" in (getattr(r, "methods", None) or ()):
            out.append(r.path.replace("{did:str}", "0" * 16).replace("{jid:str}", "0" * 16))
    return out


@pytest.mark.parametrize("path", PAGES)
def test_every_request_needs_the_token(anon, path):
    r = anon.get(path)
    assert r.status_code == 403
    assert "access token" in r.text
    r = anon.get(path, headers={"authorization": "Bearer wrong"})
    assert r.status_code == 403


def test_post_without_token_is_refused(anon):
    for path in _post_routes(anon.app):
        r = anon.post(path, data={"csrf_token": csrf_for(TOKEN)})
        assert r.status_code == 403, path


def test_static_files_need_the_token_too(anon, client):
    assert anon.get("/static/app.css").status_code == 403
    assert client.get("/static/app.css").status_code == 200


def test_token_in_url_moves_into_a_cookie(anon):
    r = anon.get(f"/help?token={TOKEN}", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/help"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"sarcostat_token={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # the browser comes back with the cookie only
    anon.cookies.set("sarcostat_token", TOKEN)
    assert anon.get("/help").status_code == 200


def test_token_in_a_header_for_scripts(anon):
    assert anon.get("/api/session", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert anon.get("/api/session", headers={"x-sarcostat-token": TOKEN}).status_code == 200
    # a script asking for JSON with ?token= gets the answer, not a redirect
    r = anon.get(f"/api/session?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 200 and r.json()["csrf_token"] == csrf_for(TOKEN)


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8750", "127.0.0.1.nip.io", "localhost:1", ""]
)
def test_foreign_host_header_is_refused(client, host):
    r = client.get("/api/session", headers={"host": host})
    assert r.status_code == 403
    assert "Host" in r.text


def test_loopback_hosts_are_accepted_by_the_serve_command():
    from sarcostat.commands.serve import allowed_hosts

    hosts = allowed_hosts("127.0.0.1", 8750)
    assert {"127.0.0.1:8750", "localhost:8750", "[::1]:8750"} <= hosts
    assert "evil.example:8750" not in hosts and "127.0.0.1:8751" not in hosts


def test_every_state_changing_route_checks_csrf(client):
    for path in _post_routes(client.app):
        r = client.post(path, data={"x": "1"})
        assert r.status_code == 403, path
        assert "security code" in r.text
        r = client.post(path, data={"csrf_token": "0" * 64})
        assert r.status_code == 403, path
        r = client.post(path, json={"dataset": "x"})
        assert r.status_code == 403, path
        # with the code the request reaches the route (404: no such record)
        r = client.post(path, data={"csrf_token": client.csrf})
        assert r.status_code != 403, path


def test_cross_site_posts_are_refused_even_with_the_code(client):
    r = client.post(
        "/api/runs",
        data={"csrf_token": client.csrf},
        headers={"origin": "http://evil.example"},
    )
    assert r.status_code == 403 and "another site" in r.text
    r = client.post(
        "/api/runs", data={"csrf_token": client.csrf}, headers={"sec-fetch-site": "cross-site"}
    )
    assert r.status_code == 403
    r = client.post(
        "/api/runs", data={"csrf_token": client.csrf}, headers={"origin": "http://testserver"}
    )
    assert r.status_code == 404  # accepted; no such cohort


def test_oversized_upload_is_refused(ws, tmp_path):
    c = make_client(ws, max_upload_mb=0.001)  # 1,000 bytes
    c.cookies.set("sarcostat_token", TOKEN)
    c.csrf = csrf_for(TOKEN)
    r = upload(c, DEMO)  # 10 kB
    assert r.status_code == 413
    assert "larger than the limit" in r.text and "--max-upload-mb" in r.text
    assert not ws.datasets

    # no Content-Length: the bytes are counted as they arrive
    def chunks():
        for _ in range(20):
            yield b"x" * 500

    r = c.post(
        "/api/datasets",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=zz", "x-csrf-token": c.csrf},
    )
    assert r.status_code == 413
    assert not ws.datasets


def test_pages_forbid_remote_loads(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "http" not in csp and "*" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'self'" in csp


def test_no_remote_resource_in_any_template_or_static_file():
    root = Path(__file__).parents[2] / "src" / "sarcostat" / "web"
    for p in [*root.glob("templates/*"), *root.glob("static/*")]:
        text = p.read_text()
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), p
        assert "@import" not in text and "url(http" not in text, p


def test_workspace_is_private_and_removed(ws):
    root = ws.root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert root.name.startswith("sarcostat-serve-")
    ws.close()
    assert not root.exists()


def test_upload_names_cannot_leave_the_workspace(client, ws, tmp_path):
    src = tmp_path / "c.csv"
    src.write_bytes(DEMO.read_bytes())
    with open(src, "rb") as fh:
        r = client.post(
            "/api/datasets",
            files={"file": ("../../../../tmp/evil.csv", fh, "text/csv")},
            data={"csrf_token": client.csrf},
        )
    assert r.status_code == 201
    ds = ws.datasets[r.json()["id"]]
    assert ds.path.resolve().is_relative_to(ws.root.resolve())
    assert ds.path.name == "evil.csv"


@pytest.mark.parametrize(
    "name",
    ["../map.toml", "..%2Fmap.toml", "%2e%2e/%2e%2e/datasets", "/etc/passwd", "report/../x"],
)
def test_downloads_are_only_files_a_job_wrote(client, ws, name):
    r = upload(client, DEMO)
    did = r.json()["id"]
    r = client.post(
        f"/api/datasets/{did}/classify",
        json={"definitions": ["awgs2019"]},
        headers={"x-csrf-token": client.csrf},
    )
    jid = r.json()["id"]
    assert client.get(f"/api/jobs/{jid}/files/classification.csv").status_code == 200
    assert client.get(f"/api/jobs/{jid}/files/{name}").status_code == 404
    assert client.get(f"/api/jobs/..%2F..%2F{did}/files/map.toml").status_code == 404


def test_unknown_or_malformed_ids_are_404(client):
    for path in ("/datasets/abc/map", "/datasets/" + "0" * 16 + "/map", "/runs/x", "/elisa/zz"):
        assert client.get(path).status_code == 404
    r = client.get("/api/datasets/" + "f" * 16)
    assert r.status_code == 404 and "No such cohort" in r.json()["error"]


def test_user_text_is_escaped_in_pages(client, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text('id,"<script>alert(1)</script>",sex\nA1,"<img src=x onerror=alert(2)>",male\n')
    r = upload(client, p)
    did = r.json()["id"]
    for page in ("map", "validate"):
        html = client.get(f"/datasets/{did}/{page}").text
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/datasets/{did}/map").text
