"""`make run` survives a killed child (issue 10 "Faults": killing the worker took the whole of
`make run` down).

GIVEN the devserver's supervisor running three small child processes (stand-ins for web,
      worker and beat: each records its pid in a file, then waits)
WHEN the worker is killed with SIGKILL
THEN it is logged and started again, the web keeps running, and SIGTERM still stops them all;
     a child that keeps dying is restarted with a doubling back-off up to the cap.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sotkabinet.devserver import restart_delay

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 60  # an upper bound for a slow machine, never a measured duration

SUPERVISE = (
    "import json, sys\n"
    "from sotkabinet.devserver import Supervisor\n"
    "commands = json.loads(sys.argv[1])\n"
    "sys.exit(Supervisor(commands, initial=0.05, cap=0.2, grace=10, tick=0.02).run())\n"
)
CHILD = (
    "import os, sys, time\n"
    "open(os.path.join(sys.argv[1], f'{sys.argv[2]}-{os.getpid()}'), 'w').close()\n"
    "time.sleep(600)\n"
)


def wait_until(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def start_supervisor(commands: dict[str, list[str]]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SUPERVISE, json.dumps(commands)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def pids(folder: Path, name: str) -> list[int]:
    return sorted(int(path.name.rsplit("-", 1)[1]) for path in folder.glob(f"{name}-*"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too (not yet reaped by its parent).
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def test_restart_delay_doubles_up_to_the_cap():
    assert [restart_delay(n, 1.0, 30.0) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_killed_worker_is_restarted_and_the_web_keeps_running(tmp_path):
    commands = {
        name: [sys.executable, "-c", CHILD, str(tmp_path), name]
        for name in ("web", "worker", "beat")
    }
    supervisor = start_supervisor(commands)
    try:
        wait_until(lambda: all(pids(tmp_path, name) for name in commands), "the three children")
        [web] = pids(tmp_path, "web")
        [worker] = pids(tmp_path, "worker")
        os.kill(worker, signal.SIGKILL)
        restarted = wait_until(
            lambda: [pid for pid in pids(tmp_path, "worker") if pid != worker], "a new worker"
        )
        assert alive(restarted[0])
        assert alive(web) and pids(tmp_path, "web") == [web]
        supervisor.send_signal(signal.SIGTERM)
        output, _ = supervisor.communicate(timeout=WAIT_SECONDS)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    assert supervisor.returncode == 0
    assert f"worker (pid {worker}) exited with code -9; restarting in 0.05 s" in output
    assert f"worker restarted (pid {restarted[0]})" in output
    everyone = [pid for name in commands for pid in pids(tmp_path, name)]
    assert not [pid for pid in everyone if alive(pid)]


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_a_child_that_keeps_dying_backs_off_to_the_cap(tmp_path, stop_with):
    commands = {
        "web": [sys.executable, "-c", CHILD, str(tmp_path), "web"],
        "worker": [sys.executable, "-c", "raise SystemExit(3)"],
    }
    supervisor = start_supervisor(commands)
    try:
        wait_until(lambda: pids(tmp_path, "web"), "the web")
        [web] = pids(tmp_path, "web")
        # Five restarts of the worker show in the log; the web was never restarted.
        restarts = []

        def five_restarts():
            line = supervisor.stdout.readline()
            restarts.extend(
                re.findall(r"worker \(pid \d+\) exited with code 3; restarting in (\S+) s", line)
            )
            return len(restarts) >= 5

        wait_until(five_restarts, "five worker restarts")
        assert alive(web) and pids(tmp_path, "web") == [web]
        supervisor.send_signal(stop_with)
        output, _ = supervisor.communicate(timeout=WAIT_SECONDS)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    assert supervisor.returncode == 0
    assert [float(delay) for delay in restarts[:5]] == [0.05, 0.1, 0.2, 0.2, 0.2]
    assert f"{signal.Signals(stop_with).name}: stopping" in output
    assert not alive(web)
