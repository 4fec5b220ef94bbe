"""What `make run` does, end to end: migrate, demo, serve over ASGI, and answer on the login page."""

from __future__ import annotations

from pathlib import Path

from tests.live import get, running_server


def test_serve_answers_the_login_page_over_asgi(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        status, body = get(f"{server.url}/healthz")
        assert status == 200
        assert '"status": "ok"' in body
        status, body = get(f"{server.url}/accounts/login/")
        assert status == 200
        assert "職員ログイン" in body
        status, css = get(f"{server.url}/static/madoguchi/vendor/design-tokens/tokens.css")
        assert status == 200
        assert "--color-primitive-blue-900" in css
        status, _ = get(f"{server.url}/static/madoguchi/vendor/htmx/htmx.min.js")
        assert status == 200
        status, body = get(f"{server.url}/no-such-page")
        assert status == 404
        assert "ページが見つかりません" in body
    log = (tmp_path / "server.log").read_text()
    assert '"path": "/accounts/login/"' in log
    assert "Warning" not in log
    assert "Traceback" not in log
