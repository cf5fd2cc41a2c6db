"""Test settings: the same code paths, with an isolated DATA_DIR and fast hashing."""

import os
import tempfile

# A fresh data folder per test process (each xdist worker too), inside DATA_DIR when it is set:
# files, blobs and the archive never leak between parallel workers or runs.
_parent = os.environ.get("DATA_DIR")
if _parent:
    os.makedirs(_parent, exist_ok=True)
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="sotkabinet-test-", dir=_parent or None)

from sotkabinet.cache import redis_caches  # noqa: E402

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
# Tests assert the English source texts (the msgids) unless they ask for a language
# (Accept-Language, the language cookie, or `translation.override`); Kazakh stays the portal's
# default (base.py), which the i18n tests check with LANGUAGE_CODE overridden back to "kk".
LANGUAGE_CODE = "en"
# Unit tests run tasks inline; tests of the real queue start a worker explicitly.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ECP_FETCH_CRL = False
DEMO = True
PAYMENT_GATEWAY_SANDBOX = True
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    # Every scope generous; throttle tests set their own rates.
    "DEFAULT_THROTTLE_RATES": {
        scope: "1000/min"
        for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # noqa: F405
    },
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL", default=""):
    CACHES = redis_caches(env("REDIS_URL"), f"test-{os.getpid()}")
