"""Settings behind TLS (usually a TLS-terminating proxy): secure cookies, HTTPS only, HSTS.

`manage.py check --deploy` passes with these defaults (a test makes sure). Each can be relaxed from the
environment where the deployment's HTTPS is known to differ (README, "Configuration").
"""

import os

from .base import *  # noqa: F403
from .base import env_bool

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The proxy says which scheme the client used; it must set (not pass through) X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain-HTTP requests are redirected to HTTPS, except the health check, which load balancers call over HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
