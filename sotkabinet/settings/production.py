"""Production profile: passes `manage.py check --deploy`.

SECRET_KEY and ALLOWED_HOSTS have no defaults here, so a misconfigured deploy fails at start-up.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
DEMO = env.bool("DEMO", default=False)
SECRET_KEY = env("SECRET_KEY")
PAYMENT_GATEWAY_SECRET = env("PAYMENT_GATEWAY_SECRET")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
