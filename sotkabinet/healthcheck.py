"""Container health checks (docker-compose.yml; issue 10 "Faults"). Exit 0 healthy, 1 not.

    python -m sotkabinet.healthcheck web  [--url http://127.0.0.1:8000/healthz]
    python -m sotkabinet.healthcheck beat [--schedule $DATA_DIR/celerybeat-schedule] [--max-age 600]

- web: GET /healthz answers 200 (sotkabinet.faults.HealthCheckMiddleware: no database, no host
  check), within a few seconds.
- beat: the schedule file was written within `--max-age` seconds. Beat rewrites it every three
  minutes while it sends tasks (the enforcement outbox job runs every 30 s), so a beat that hangs
  or stops sending goes unhealthy. The file may carry a dbm suffix (.db, .dat), hence the glob.

The worker's check is Celery's own: `celery -A sotkabinet inspect ping -d celery@$HOSTNAME`.
Standard library only, no Django: the checks start fast and cannot touch the database.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"
DEFAULT_BEAT_MAX_AGE = 600.0


def web_healthy(url: str = DEFAULT_URL, timeout: float = 4.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed URL)
            return response.status == 200
    except OSError:
        return False


def beat_healthy(schedule: str, max_age: float = DEFAULT_BEAT_MAX_AGE) -> bool:
    paths = glob.glob(glob.escape(schedule) + "*")
    if not paths:
        return False
    newest = max(os.path.getmtime(path) for path in paths)
    return time.time() - newest <= max_age


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sotkabinet.healthcheck")
    commands = parser.add_subparsers(dest="component", required=True)
    web = commands.add_parser("web")
    web.add_argument("--url", default=DEFAULT_URL)
    beat = commands.add_parser("beat")
    beat.add_argument(
        "--schedule",
        default=os.path.join(os.environ.get("DATA_DIR", "var"), "celerybeat-schedule"),
    )
    beat.add_argument("--max-age", type=float, default=DEFAULT_BEAT_MAX_AGE)
    args = parser.parse_args(argv)
    if args.component == "web":
        healthy = web_healthy(args.url)
    else:
        healthy = beat_healthy(args.schedule, args.max_age)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
