"""`/healthz`, for load balancers and `runstudio`: 200 when this host can serve, 503 naming what fails otherwise."""

from __future__ import annotations

import functools

from django.core import checks
from django.db import connection
from django.http import HttpRequest, JsonResponse


@functools.cache
def _broker():
    """The task queue's broker, one per process (a Redis client keeps its connection pool)."""
    from django_q.brokers import get_broker

    return get_broker()


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker_answers() -> None:
    """Redis: a round trip (LLEN); the ORM broker: a query of its table. Either raises when the queue is down."""
    _broker().queue_size()


# System checks with this tag say whether this host is set up as the studio's other hosts are (the apps above
# register them: `projects.checks`); `/healthz` runs them, and so does every management command at its start.
HOST_CHECKS_TAG = "hosts"


def _host() -> None:
    problems = checks.run_checks(tags=[HOST_CHECKS_TAG])
    if problems:
        raise RuntimeError(" ".join(problem.msg for problem in problems))


CHECKS = {"database": _database, "broker": _broker_answers, "host": _host}


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the task queue's broker answer and this host shares the studio's secret key and
    data directory (`HOST_CHECKS_TAG`); 503 otherwise, each failing check with its error."""
    body = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means unhealthy, and says why
            body[name] = str(error) or type(error).__name__
        else:
            body[name] = "ok"
    healthy = all(value == "ok" for value in body.values())
    return JsonResponse({"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503)
