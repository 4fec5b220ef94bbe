"""The reverse proxy and systemd files in deploy/ name commands, options and URLs that exist."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.urls import reverse

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
NGINX = DEPLOY / "nginx-madoguchi.conf"
UNITS = {
    "madoguchi.service": "serve",
    "madoguchi-streams.service": "serve",
    "madoguchi-worker.service": "worker",
}


def exec_start(unit: str) -> list[str]:
    (line,) = [line for line in (DEPLOY / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


@pytest.mark.parametrize(("unit", "command"), UNITS.items())
def test_each_unit_runs_a_madoguchi_command_with_options_it_accepts(unit: str, command: str) -> None:
    # given the unit's command line
    program, name, *options = exec_start(unit)
    # then it runs the project's console script with a management command that parses those options
    assert program.endswith("/.venv/bin/madoguchi")
    assert name == command
    handler = load_command_class(get_commands()[name], name)
    parsed = handler.create_parser("madoguchi", name).parse_args(options)
    assert parsed is not None
    text = (DEPLOY / unit).read_text()
    assert "EnvironmentFile=/etc/madoguchi/madoguchi.env" in text
    assert "RestartPreventExitStatus=2" in text  # a configuration error is not retried in a loop


def upstream(name: str) -> str:
    match = re.search(rf"upstream {name} \{{(.*?)\n\}}", NGINX.read_text(), re.DOTALL)
    assert match is not None, f"no upstream {name}"
    return match.group(1)


def listens_on(unit: str) -> str:
    serve = exec_start(unit)
    return f"{serve[serve.index('--host') + 1]}:{serve[serve.index('--port') + 1]}"


def test_nginx_proxies_to_the_port_the_app_server_listens_on() -> None:
    assert f"server {listens_on('madoguchi.service')} " in upstream("madoguchi")


def test_the_event_streams_go_to_their_own_server() -> None:
    # given the stream server's unit: a server of its own, on another port, that runs no tasks
    assert "--streams" in exec_start("madoguchi-streams.service")
    assert listens_on("madoguchi-streams.service") != listens_on("madoguchi.service")
    # then nginx sends the event streams there, and nothing else
    assert f"server {listens_on('madoguchi-streams.service')} " in upstream("madoguchi_streams")
    assert "proxy_pass http://madoguchi_streams;" in event_stream_block()
    assert NGINX.read_text().count("proxy_pass http://madoguchi_streams;") == 1


def event_stream_block() -> str:
    text = NGINX.read_text()
    match = re.search(r"location ~ (\S+) \{(.*?)\n    \}", text, re.DOTALL)
    assert match is not None, "no regex location for the event streams"
    return match.group(1) + "\n" + match.group(2)


def test_every_event_stream_is_proxied_without_buffering() -> None:
    pattern, _, body = event_stream_block().partition("\n")
    for url in (
        reverse("reception:board-events", args=["chuo"]),
        reverse("reception:status-events"),
        reverse("remote:desk-stream"),
        reverse("remote:events", args=[uuid.uuid4()]),
    ):
        assert re.search(pattern, url), f"{url} is not matched by {pattern}"
    assert "proxy_buffering off;" in body
    assert "proxy_read_timeout 1h;" in body


def test_nginx_serves_the_collected_static_files() -> None:
    text = NGINX.read_text()
    assert "location /static/ {" in text
    assert "alias /var/lib/madoguchi/static/;" in text  # STATIC_ROOT under MADOGUCHI_VAR_DIR of the units
    for unit in UNITS:
        assert "MADOGUCHI_VAR_DIR=/var/lib/madoguchi" in (DEPLOY / unit).read_text()


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:  # .ci/run installs it: in CI this skip is a failure
        pytest.skip("nginx is not installed")
    # The site inside a minimal main configuration, with a throwaway certificate.
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = NGINX.read_text().replace("/etc/ssl/madoguchi/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
