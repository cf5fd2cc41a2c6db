"""`make run`: the web server, a Celery worker and beat in the foreground until Ctrl-C.

With no REDIS_URL the worker uses kombu's filesystem transport under DATA_DIR/queue, a real
queue that needs no server; with REDIS_URL set, Redis. Both are real background work, never
eager mode.

The devserver supervises its children (issue 10 "Faults"): a web, worker or beat process that
dies is logged and started again after a back-off (RESTART_DELAY_INITIAL, doubled after each
quick death up to RESTART_DELAY_MAX, back to the start once a child ran RESTART_STABLE_AFTER
seconds), so a killed worker never takes the web down. SIGINT (Ctrl-C) or SIGTERM stops them
all: SIGTERM to each child, SIGKILL to those still running after STOP_GRACE seconds.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def announce(host: str, port: str) -> str:
    """The addresses `make run` uses: where it serves, and the absolute links and АИС ОИП URL the
    settings derived from HOST/PORT (or took from PORTAL_BASE_URL / ENFORCEMENT_API_URL)."""
    from django.conf import settings

    return (
        f"Сот кабинеті: http://{host}:{port}/  (Ctrl-C to stop)\n"
        f"  PORTAL_BASE_URL={settings.PORTAL_BASE_URL}\n"
        f"  ENFORCEMENT_API_URL={settings.ENFORCEMENT_API_URL}"
    )


RESTART_DELAY_INITIAL = 1.0
RESTART_DELAY_MAX = 30.0
RESTART_STABLE_AFTER = 60.0
STOP_GRACE = 20.0


def restart_delay(failures: int, initial: float, cap: float) -> float:
    """Seconds before the `failures`-th consecutive restart: initial, doubled each time, capped."""
    return min(cap, initial * 2 ** max(0, failures - 1))


def _log(message: str) -> None:
    print(f"devserver: {message}", flush=True)  # noqa: T201


class Supervisor:
    """Runs named commands, restarts the ones that exit, stops them all on SIGINT/SIGTERM."""

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        initial: float = RESTART_DELAY_INITIAL,
        cap: float = RESTART_DELAY_MAX,
        stable_after: float = RESTART_STABLE_AFTER,
        grace: float = STOP_GRACE,
        tick: float = 0.2,
    ) -> None:
        self.commands = commands
        self.initial, self.cap, self.stable_after = initial, cap, stable_after
        self.grace, self.tick = grace, tick
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_at: dict[str, float] = {}
        self.failures: dict[str, int] = dict.fromkeys(commands, 0)
        self.restart_at: dict[str, float] = {}
        self.stopping = False

    def _start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(self.commands[name])  # noqa: S603
        self.started_at[name] = time.monotonic()

    def _request_stop(self, signum, _frame) -> None:
        if not self.stopping:
            _log(f"{signal.Signals(signum).name}: stopping {', '.join(self.processes)}")
        self.stopping = True

    def _check(self, name: str, now: float) -> None:
        if name in self.restart_at:
            if now >= self.restart_at[name]:
                del self.restart_at[name]
                self._start(name)
                _log(f"{name} restarted (pid {self.processes[name].pid})")
            return
        process = self.processes[name]
        code = process.poll()
        if code is None:
            return
        if now - self.started_at[name] >= self.stable_after:
            self.failures[name] = 0
        self.failures[name] += 1
        delay = restart_delay(self.failures[name], self.initial, self.cap)
        self.restart_at[name] = now + delay
        _log(f"{name} (pid {process.pid}) exited with code {code}; restarting in {delay:g} s")

    def run(self) -> int:
        """Start every command and keep them running until SIGINT or SIGTERM; 0 when stopped."""
        previous = {
            signum: signal.signal(signum, self._request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for name in self.commands:
                self._start(name)
            while not self.stopping:
                now = time.monotonic()
                for name in self.commands:
                    self._check(name, now)
                time.sleep(self.tick)
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0

    def stop(self) -> None:
        running = [process for process in self.processes.values() if process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def commands_for(host: str, port: str) -> dict[str, list[str]]:
    """The children of `make run`: gunicorn (keep-alive from sotkabinet.gunicorn_conf), the
    Celery worker and beat."""
    python = sys.executable
    return {
        "web": [
            python,
            "-m",
            "gunicorn",
            "sotkabinet.wsgi:application",
            # Keep-alive from GUNICORN_KEEPALIVE (default 5 s; README "Faults").
            "--config",
            "python:sotkabinet.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "sotkabinet",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "sotkabinet",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            os.path.join(os.environ.get("DATA_DIR", "var"), "celerybeat-schedule"),
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sotkabinet.settings.dev")
    # The children's settings derive PORTAL_BASE_URL and ENFORCEMENT_API_URL from these.
    os.environ["HOST"], os.environ["PORT"] = args.host, str(args.port)
    commands = commands_for(args.host, str(args.port))
    supervisor = Supervisor(commands)
    print(announce(args.host, args.port), flush=True)  # noqa: T201
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
