"""Production profile: passes `manage.py check --deploy`.

SECRET_KEY, ALLOWED_HOSTS, ENFORCEMENT_API_TOKEN and PAYMENT_GATEWAY_SECRET have no defaults
here, so a misconfigured deploy fails at start-up; so do DEMO and the sandbox payment gateway
(issue 9).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

PRODUCTION = True  # `seed_demo` refuses to run here
DEBUG = False
# DEMO trusts the demo CA and turns on the server-side demo signer, with which anyone signs in
# as anyone: a production deploy refuses it rather than trusting the operator to leave it off.
if env.bool("DEMO", default=False):
    raise ImproperlyConfigured(
        "DEMO=1 is for trying the portal; the production profile refuses it."
    )
DEMO = False
SECRET_KEY = env("SECRET_KEY")
# The court system's token for АИС ОИП: required, never derived from SECRET_KEY (issue 9).
ENFORCEMENT_API_TOKEN = env("ENFORCEMENT_API_TOKEN")
if not ENFORCEMENT_API_TOKEN.strip():
    raise ImproperlyConfigured("Set the ENFORCEMENT_API_TOKEN environment variable.")
# The sandbox gateway marks duties paid for free: never without DEMO.
PAYMENT_GATEWAY_SANDBOX = env.bool("PAYMENT_GATEWAY_SANDBOX", default=False)
if PAYMENT_GATEWAY_SANDBOX:
    raise ImproperlyConfigured("PAYMENT_GATEWAY_SANDBOX needs DEMO=1; never on a real portal.")
PAYMENT_GATEWAY_SECRET = env("PAYMENT_GATEWAY_SECRET")
# The payment callback is trusted by its HMAC under this secret: a blank one (an empty
# `PAYMENT_GATEWAY_SECRET=` in a copied .env.example) or the published sandbox default (base.py)
# lets anyone sign a `paid` notice (issue 9 "Money").
if PAYMENT_GATEWAY_SECRET.strip() in ("", "sandbox-gateway-secret"):
    raise ImproperlyConfigured("Set PAYMENT_GATEWAY_SECRET to the payment gateway's own secret.")
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
