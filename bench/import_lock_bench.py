"""How long a large import keeps other writers waiting for SQLite's one write lock.

Imports N documents (20,000 by default) into a project that already has N documents (so the import replaces them)
with `project_import`, while
- a probe connection tries to take the write lock every millisecond without waiting (`BEGIN IMMEDIATE`, timeout 0):
  the longest stretch in which it never got it is the longest the import held the lock in one go;
- W label writers (8 by default) save labels through the labeling API with the studio's own database settings,
  as annotators would during an import: every answer's status and the longest wait are recorded.
`--one-transaction` runs the same import inside one transaction, as imports ran before they were staged.

Prints one JSON line: {"documents", "mode", "import_seconds", "longest_lock_holds_seconds" (the three longest),
"lock_holds_over_1s", "writes", "write_statuses", "write_seconds_median", "write_seconds_p95",
"longest_write_seconds"}. Writers and the import share one process (and its GIL), so write times include waiting
for Python as well as for the lock.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import threading
import time
from collections import Counter

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--one-transaction", action="store_true")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from annotation.formats import DocumentData, ProjectData
    from annotation.services.imports import project_import
    from annotation.spans import Span

    def project(count: int, word: str) -> ProjectData:
        text = f"{word} lent money to Ana Lopez on 3 May for a new bakery on Main Street. " * 8
        spans = [Span(0, len(word), "Org"), Span(len(word) + 15, len(word) + 24, "Person")]
        documents = [DocumentData(f"{i:06}.txt", text, dataset="Train", labels=spans) for i in range(count)]
        return ProjectData(entity_types=["Org", "Person"], documents=documents)

    user = get_user_model().objects.create_user("bench", password="bench-password")
    project_import(user=user, name="big", data=project(args.documents, "Old"))
    labeled = project_import(
        user=user,
        name="labeling",
        data=ProjectData(
            entity_types=["Org"], documents=[DocumentData(f"{i}.txt", "word " * 25_000) for i in range(args.writers)]
        ),
    )
    org = labeled.entity_types.get().pk
    documents = list(labeled.documents.values_list("pk", flat=True))
    clients = []
    for _ in documents:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    data = project(args.documents, "Acme")
    database = connection.settings_dict["NAME"]
    connection.close()

    done = threading.Event()
    holds: list[float] = []
    writes: list[tuple[int, float]] = []

    def probe() -> None:
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        last = time.perf_counter()
        while not done.is_set():
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass
            else:
                now = time.perf_counter()
                holds.append(now - last)
                last = now
            time.sleep(0.001)
        other.close()

    def write(client: Client, document: int) -> None:
        start = 0
        while not done.is_set():
            began = time.perf_counter()
            response = client.post(
                f"/api/projects/labeling/documents/{document}/labels",
                {"entityTypeId": org, "start": start, "end": start + 4},
                content_type="application/json",
            )
            writes.append((response.status_code, time.perf_counter() - began))
            start += 5
            time.sleep(0.05)
        connection.close()

    threads = [threading.Thread(target=probe)]
    threads += [threading.Thread(target=write, args=pair) for pair in zip(clients, documents, strict=True)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    began = time.perf_counter()
    if args.one_transaction:
        with transaction.atomic():
            project_import(user=user, name="big", data=data)
    else:
        project_import(user=user, name="big", data=data)
    import_seconds = time.perf_counter() - began
    done.set()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "documents": args.documents,
                "mode": "one transaction" if args.one_transaction else "staged",
                "import_seconds": round(import_seconds, 2),
                "longest_lock_holds_seconds": [round(hold, 3) for hold in sorted(holds)[-3:][::-1]],
                "lock_holds_over_1s": sum(hold > 1 for hold in holds),
                "writes": len(writes),
                "write_statuses": dict(Counter(status for status, _ in writes)),
                "write_seconds_median": round(statistics.median(seconds for _, seconds in writes), 3),
                "write_seconds_p95": round(statistics.quantiles([seconds for _, seconds in writes], n=20)[-1], 3),
                "longest_write_seconds": round(max(seconds for _, seconds in writes), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
