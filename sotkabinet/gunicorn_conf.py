"""gunicorn settings from the environment: `gunicorn -c python:sotkabinet.gunicorn_conf ...`.

`make run` (sotkabinet/devserver.py) and docker-compose.yml start gunicorn with it; options on
the command line (bind, workers, threads, timeout) still apply.

Keep-alive (issue 10 "Faults"): gunicorn closes a connection that stays idle this long. Its
default of 2 s closed connections just as polling clients came back (the talon's
`Retry-After: 2`), and 7 % of those requests were reset. 5 s by default; `Retry-After` values
stay clear of it (sotkabinet.faults.retry_after).
"""

from __future__ import annotations

import os

DEFAULT_KEEPALIVE_SECONDS = 5


def keepalive_from_environment() -> int:
    value = int(os.environ.get("GUNICORN_KEEPALIVE") or DEFAULT_KEEPALIVE_SECONDS)
    if value < 1:
        raise ValueError("GUNICORN_KEEPALIVE must be at least 1 second")
    return value


keepalive = keepalive_from_environment()
