"""A large import holds SQLite's write lock a batch at a time, never for the whole import: it stages documents in
short transactions and swaps them in with one. Readers see the old project or the new one, never a part; writers
beside it are never answered 500; a failed or abandoned import leaves nothing behind.

These tests run on the test database's file (`transaction=True`): an in-memory database shows no locking.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from annotation.formats import DocumentData, FormatProblems, ProjectData
from annotation.models import Document, EntityType, Label
from annotation.services import staging
from annotation.services.imports import documents_import, project_import
from annotation.spans import Span
from modeling.tasks import sweep
from projects import selectors
from projects.models import STAGING_NAME_PREFIX, Project

pytestmark = pytest.mark.django_db(transaction=True)

# These read SQLite's file from a second connection and time its write lock; PostgreSQL locks rows, not the file,
# and its concurrent writers are covered by the scale-out run (tests/studio/test_scale_out.py).
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="measures SQLite's database-wide write lock")


def project_data(count: int, *, word: str = "Acme") -> ProjectData:
    text = f"{word} lends money to people. " * 10
    return ProjectData(
        name="big",
        entity_types=["Org"],
        documents=[
            DocumentData(f"{i:05}.txt", text, dataset="Train", labels=[Span(0, len(word), "Org")]) for i in range(count)
        ],
    )


def committed_documents() -> int:
    """Documents another connection sees committed, whatever project they are under (staged ones included)."""
    with contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"], timeout=0)) as other:
        return other.execute("SELECT count(*) FROM annotation_document").fetchone()[0]


@sqlite_only
def test_an_import_commits_batch_by_batch_instead_of_holding_the_lock_throughout(owner, monkeypatch):
    monkeypatch.setattr(staging, "BATCH_DOCUMENTS", 500)
    seen: list[int] = []
    original = Document.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        seen.append(committed_documents())  # what earlier batches left committed
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Document.objects, "bulk_create", bulk_create)
    project_import(user=owner, name="big", data=project_data(2_500))
    assert seen[:3] == [0, 500, 1_000]
    assert Document.objects.filter(project__name="big").count() == 2_500


@sqlite_only
def test_writers_beside_a_large_import_are_never_answered_500_and_readers_never_see_part_of_it(owner, monkeypatch):
    project_import(user=owner, name="big", data=project_data(10, word="Old"))
    # Labeling goes on in another project meanwhile, on long documents.
    long_texts = ProjectData(
        entity_types=["Org"], documents=[DocumentData(f"{i}.txt", "word " * 20_000) for i in range(4)]
    )
    labeled = project_import(user=owner, name="other", data=long_texts)
    org = EntityType.objects.get(project=labeled).pk
    documents = list(labeled.documents.values_list("pk", flat=True))
    # Each thread's own connection waits half a second for the lock (the settings' 30 s would hide the long hold).
    monkeypatch.setitem(connections["default"].settings_dict["OPTIONS"], "timeout", 0.5)
    done = threading.Event()
    statuses: list[tuple[int, str | None]] = []
    counts: set[int] = set()
    failures: list[BaseException] = []

    def in_thread(work):
        def run():
            try:
                work()
            except BaseException as error:  # reported below, not lost in the thread
                failures.append(error)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def write_labels(client: Client, document_id: int):
        start = 5
        while True:
            finished = done.is_set()
            response = client.post(
                f"/api/projects/other/documents/{document_id}/labels",
                {"entityTypeId": org, "start": start, "end": start + 4},
                content_type="application/json",
            )
            statuses.append((response.status_code, response.get("Retry-After")))
            start += 5
            if finished:
                return

    def read_counts():
        while not done.is_set():
            counts.add(Document.objects.filter(project__name="big").count())

    def import_big():
        try:
            connection.ensure_connection()
            connection.connection.execute("PRAGMA busy_timeout = 30000")  # the import itself waits as in production
            project_import(user=owner, name="big", data=project_data(6_000))
        finally:
            done.set()

    clients = [Client(raise_request_exception=False) for _ in documents]
    for client in clients:
        client.force_login(owner)  # signing in writes too: done before the import starts
    threads = [in_thread(lambda c=c, d=d: write_labels(c, d)) for c, d in zip(clients, documents, strict=True)]
    threads.append(in_thread(read_counts))
    importer = in_thread(import_big)
    for thread in [*threads, importer]:
        thread.start()
    for thread in [importer, *threads]:
        thread.join(timeout=120)
    assert not failures, failures
    assert statuses and all(status == 201 or (status == 503 and retry) for status, retry in statuses), statuses
    assert counts <= {10, 6_000}, counts
    assert Document.objects.filter(project__name="big").count() == 6_000
    assert Label.objects.filter(document__project__name="other", entity_type_id=org).count() == sum(
        status == 201 for status, _ in statuses
    )
    assert not Project.objects.filter(name__startswith=STAGING_NAME_PREFIX).exists()


def test_a_failed_import_leaves_the_project_as_it_was_and_no_staging_behind(owner, monkeypatch):
    project_import(user=owner, name="big", data=project_data(10, word="Old"))
    monkeypatch.setattr(staging, "BATCH_DOCUMENTS", 100)
    calls = 0
    original = Label.objects.bulk_create

    def failing(objs, *args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Label.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        project_import(user=owner, name="big", data=project_data(1_000))
    assert set(Document.objects.values_list("project__name", flat=True)) == {"big"}
    assert Document.objects.count() == 10 and Document.objects.first().text.startswith("Old")
    assert list(Project.objects.values_list("name", flat=True)) == ["big"]


def test_an_import_replacing_a_project_keeps_it_its_members_and_models_ids(owner):
    first = project_import(user=owner, name="big", data=project_data(10, word="Old"))
    again = project_import(user=owner, name="big", data=project_data(20))
    assert again.pk == first.pk and again.memberships.get().user == owner
    assert list(EntityType.objects.filter(project=again).values_list("name", flat=True)) == ["Org"]
    assert Label.objects.filter(document__project=again).count() == 20
    assert not Project.objects.exclude(pk=again.pk).exists()  # the replaced content went too


@sqlite_only
def test_an_upload_too_is_written_batch_by_batch_and_moved_in_at_once(owner, monkeypatch):
    project = project_import(user=owner, name="big", data=project_data(3))
    monkeypatch.setattr(staging, "BATCH_DOCUMENTS", 400)
    seen: list[int] = []
    original = Document.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        seen.append(committed_documents())
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Document.objects, "bulk_create", bulk_create)
    added = [DocumentData(f"new-{i}.txt", "Acme lends.", labels=[Span(0, 4, "Bank")]) for i in range(1_000)]
    documents_import(user=owner, project=project, documents=added, listed_types=["Org", "Unused"])
    assert seen == [3, 403, 803]
    assert project.documents.count() == 1_003
    assert list(project.entity_types.values_list("name", flat=True)) == ["Org", "Bank", "Unused"]
    assert not Project.objects.filter(name__startswith=STAGING_NAME_PREFIX).exists()


def test_an_upload_that_a_concurrent_change_conflicts_with_adds_nothing(owner, monkeypatch):
    project = project_import(user=owner, name="big", data=project_data(3))
    original = staging.documents_write

    def meanwhile(**kwargs):
        original(**kwargs)
        Document.objects.create(project=project, location="new-1.txt", text="Added by someone else.")
        EntityType.objects.create(project=project, name="bank")

    monkeypatch.setattr(staging, "documents_write", meanwhile)
    added = [DocumentData(f"new-{i}.txt", "Acme lends.", labels=[Span(0, 4, "Bank")]) for i in range(3)]
    with pytest.raises(FormatProblems) as raised:
        documents_import(user=owner, project=project, documents=added)
    assert [p["message"] for p in raised.value.problems] == [
        "A document named 'new-1.txt' is already in the project.",
        "Entity type 'Bank' differs only in case from the entity type 'bank'; entity type names are unique regardless "
        "of case.",
    ]
    assert project.documents.count() == 4 and not Label.objects.filter(entity_type__name="Bank").exists()
    assert not Project.objects.filter(name__startswith=STAGING_NAME_PREFIX).exists()


def test_the_sweep_deletes_abandoned_staging_projects_which_no_one_ever_sees(owner, make_user):
    abandoned = staging.staging_create()
    staging.staging_write(staging=abandoned, user=owner, entity_types=["Org"], documents=project_data(5).documents)
    replaced = staging.staging_create(replaced=True)
    running = staging.staging_create()
    Project.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - staging.ABANDONED_AFTER - timedelta(1))
    root = make_user("root", superuser=True)
    assert not selectors.project_list(user=root).exists()
    sweep()
    assert list(Project.objects.values_list("pk", flat=True)) == [running.pk]
    assert not Document.objects.exists() and not EntityType.objects.exists()
    assert replaced.pk not in Project.objects.values_list("pk", flat=True)
