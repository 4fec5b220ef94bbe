"""Workers as the operator runs them: threads inside `madoguchi serve`, and `madoguchi worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.live import running_server

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))

NOTIFY = (
    "from madoguchi.notifications.service import notify\n"
    "for n in range({count}):\n"
    "    notify(channel='email', to='taro@example.jp', subject='テスト', body='本文',\n"
    "           topic='test.bulk', ref=str(n))\n"
)
STATUSES = (
    "from madoguchi.notifications.models import Notification\n"
    "print(sorted(set(Notification.objects.values_list('status', flat=True))))\n"
)


def test_serve_delivers_a_notification_with_its_embedded_worker(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        queued = server.madoguchi("shell", "-c", NOTIFY.format(count=1))
        assert queued.returncode == 0, queued.stderr
        log = tmp_path / "server.log"
        deadline = time.monotonic() + 20
        while "Topic:   test.bulk 0" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Topic:   test.bulk 0" in log.read_text()
        assert "['sent']" in server.madoguchi("shell", "-c", STATUSES).stdout
    text = log.read_text()
    assert '"message": "task workers started"' in text
    assert "Traceback" not in text


def test_worker_processes_share_an_embedded_database_and_send_each_message_once(tmp_path: Path) -> None:
    # given: 60 queued notifications in a fresh SQLite database
    env = {
        **os.environ,
        "MADOGUCHI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
    }

    def madoguchi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([MADOGUCHI, *args], env=env, capture_output=True, text=True, timeout=120)

    assert madoguchi("migrate", "--noinput").returncode == 0
    assert madoguchi("shell", "-c", NOTIFY.format(count=60)).returncode == 0
    # when: three worker processes with two threads each run at the same time
    workers = [
        subprocess.Popen(
            [MADOGUCHI, "worker", "--once", "--concurrency", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    # then: every message was written exactly once, by one of them
    assert [worker.returncode for worker in workers] == [0, 0, 0], [err for _, err in outputs]
    printed = "".join(out for out, _ in outputs)
    assert sorted(printed.count(f"Topic:   test.bulk {n}\n") for n in range(60)) == [1] * 60
    assert sum(int(out.rsplit(": ", 1)[1].split()[0]) for out, _ in outputs) == 60  # "N task(s) run"
    assert "['sent']" in madoguchi("shell", "-c", STATUSES).stdout


def test_madoguchi_worker_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MADOGUCHI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "MADOGUCHI_LOG_LEVEL": "INFO",
    }
    subprocess.run([MADOGUCHI, "migrate", "--noinput"], env=env, check=True, capture_output=True, timeout=120)
    for concurrency in ("1", "3"):
        worker = subprocess.Popen(
            [MADOGUCHI, "worker", "--concurrency", concurrency],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert worker.stderr is not None
        assert "task workers started" in worker.stderr.readline()  # running and idle
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
        assert worker.returncode == 0, err
        assert "task workers stopping after their current task" in err
        assert "task workers stopped" in err
        assert "Traceback" not in err
