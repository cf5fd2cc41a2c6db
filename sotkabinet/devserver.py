"""`make run`: the web server, a Celery worker and beat in the foreground until Ctrl-C.

With no REDIS_URL the worker uses kombu's filesystem transport under DATA_DIR/queue, a real
queue that needs no server; with REDIS_URL set, Redis. Both are real background work, never
eager mode.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sotkabinet.settings.dev")
    # The children's settings derive PORTAL_BASE_URL and ENFORCEMENT_API_URL from these.
    os.environ["HOST"], os.environ["PORT"] = args.host, str(args.port)
    python = sys.executable
    commands = {
        "web": [
            python,
            "-m",
            "gunicorn",
            "sotkabinet.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
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
    processes = {name: subprocess.Popen(command) for name, command in commands.items()}  # noqa: S603
    print(announce(args.host, args.port), flush=True)  # noqa: T201

    def stop(*_args) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(process.poll() is None for process in processes.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    failed = [name for name, process in processes.items() if process.returncode not in (0, -15)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
