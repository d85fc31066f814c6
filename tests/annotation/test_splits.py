"""Automatic Train/Test split: the pure function, the preview, applying it, and the distribution page."""

from __future__ import annotations

import pytest

from annotation.formats import DocumentData
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.services.splits import documents_split, split_preview
from annotation.spans import Span
from annotation.splits import SplitItem, split_counts, split_documents
from projects.models import Activity
from studio.exceptions import Conflict, InvalidInput
from tests.annotation.test_pages_permissions import make_team
from tests.annotation.test_pages_projects import signed_in


def items(count: int, rare_every: int = 0) -> list[SplitItem]:
    """Documents 1..count with type 1; every `rare_every`-th also has the rare type 2."""
    return [SplitItem(i, frozenset({1, 2} if rare_every and i % rare_every == 0 else {1})) for i in range(1, count + 1)]


# ---------------------------------------------------------------------------------------------- pure function


def test_same_seed_same_split_and_input_order_does_not_matter():
    first = split_documents(items(100), test_percent=20, seed=7)
    again = split_documents(list(reversed(items(100))), test_percent=20, seed=7)
    assert first == again
    assert split_documents(items(100), test_percent=20, seed=8) != first


@pytest.mark.parametrize(("count", "percent", "test"), [(100, 20, 20), (10, 25, 3), (7, 50, 4), (3, 1, 0), (1, 99, 1)])
def test_exactly_the_rounded_share_goes_to_test(count, percent, test):
    assert split_counts(count, percent) == (count - test, test)
    for stratify in (True, False):
        split = split_documents(items(count, rare_every=3), test_percent=percent, seed=1, stratify=stratify)
        assert sorted(split) == list(range(1, count + 1))
        assert sum(1 for dataset in split.values() if dataset == "Test") == test
        assert set(split.values()) <= {"Train", "Test"}


def test_stratified_split_puts_a_rare_type_in_both_sets():
    # Type 2 is in 5 of 50 documents; with 20% Test it gets exactly one Test document whatever the seed.
    for seed in range(30):
        split = split_documents(items(50, rare_every=10), test_percent=20, seed=seed)
        rare = [split[i] for i in range(10, 51, 10)]
        assert rare.count("Test") == 1 and rare.count("Train") == 4


def test_percent_must_be_1_to_99():
    for bad in (0, 100, -5, 20.5, "20", True):
        with pytest.raises(InvalidInput, match="whole percentage from 1 to 99"):
            split_documents(items(10), test_percent=bad, seed=1)


def test_no_items_no_split():
    assert split_documents([], test_percent=20, seed=1) == {}


# ---------------------------------------------------------------------------------------------- preview and apply


def project_with_types(make_user, count: int = 20):
    team = make_team(make_user, documents=0)
    entity_type_create(project=team.project, user=team.owner, name="Amount")
    documents = [
        DocumentData(
            f"d{i:02d}.txt",
            "Ann pays $5.",
            dataset="Train" if i < 4 else "",
            labels=[Span(0, 3, "Person")] + ([Span(9, 11, "Amount")] if i % 5 == 0 else []),
        )
        for i in range(count)
    ]
    documents_import(user=team.owner, project=team.project, documents=documents)
    return team


def datasets(project) -> dict[str, str]:
    return dict(project.documents.values_list("location", "dataset"))


def test_preview_changes_nothing_and_apply_does_what_it_showed(make_user):
    team = project_with_types(make_user)
    before = datasets(team.project)
    preview = split_preview(project=team.project, test_percent=25, seed=3, scope="unassigned")
    assert datasets(team.project) == before
    assert len(preview.assignments) == 16  # only the unassigned ones
    assert preview.distribution.train + preview.distribution.test == 20
    assert preview.distribution.test == 4
    amount = next(row for row in preview.distribution.types if row.entity_type.name == "Amount")
    assert amount.train_labels + amount.test_labels == 4
    applied = documents_split(
        project=team.project, user=team.owner, test_percent=25, seed=3, fingerprint=preview.fingerprint
    )
    assert applied.assignments == preview.assignments
    after = datasets(team.project)
    assert {loc: ds for loc, ds in after.items() if before[loc]} == {loc: ds for loc, ds in before.items() if ds}
    by_id = dict(team.project.documents.values_list("pk", "dataset"))
    assert all(by_id[pk] == dataset for pk, dataset in preview.assignments.items())
    assert Activity.objects.filter(project=team.project, summary__startswith="split 16 documents").exists()


def test_scope_all_reassigns_everything_deterministically(make_user):
    team = project_with_types(make_user)
    documents_split(project=team.project, user=team.owner, test_percent=30, seed=11, scope="all")
    first = datasets(team.project)
    assert list(first.values()).count("Test") == 6
    documents_split(project=team.project, user=team.owner, test_percent=30, seed=11, scope="all")
    assert datasets(team.project) == first


def test_apply_refuses_when_things_changed_since_the_preview(make_user):
    team = project_with_types(make_user)
    preview = split_preview(project=team.project, test_percent=20, seed=1)
    documents_import(user=team.owner, project=team.project, documents=[DocumentData("late.txt", "New.")])
    before = datasets(team.project)
    with pytest.raises(Conflict, match="changed since the preview"):
        documents_split(project=team.project, user=team.owner, test_percent=20, seed=1, fingerprint=preview.fingerprint)
    assert datasets(team.project) == before


def test_unknown_scope_is_refused(make_user):
    team = project_with_types(make_user)
    with pytest.raises(InvalidInput, match="Scope 'some'"):
        split_preview(project=team.project, test_percent=20, seed=1, scope="some")


# ---------------------------------------------------------------------------------------------- the page


def test_distribution_page_shows_chart_and_table(make_user):
    team = project_with_types(make_user)
    documents_split(project=team.project, user=team.owner, test_percent=25, seed=3, scope="all")
    page = signed_in(team.viewer).get("/projects/loans/distribution/").content.decode()
    assert "Label instances" in page and "Documents with at least one" in page
    assert '<span class="stat-value ds ds-train">15</span>' in page
    assert '<span class="stat-value ds ds-test">5</span>' in page
    assert 'class="table dist-table"' in page and "Amount" in page


def test_distribution_warns_about_types_missing_from_test(make_user):
    team = project_with_types(make_user)
    page = signed_in(team.owner).get("/projects/loans/distribution/").content.decode()
    assert "No labels in Test: the evaluation cannot measure this type." in page
    assert "Training needs at least 10 labeled documents in Train; this project has 4." in page


def test_page_preview_then_apply_gives_the_previewed_split(make_user):
    team = project_with_types(make_user)
    client = signed_in(team.annotator)
    query = {"test_percent": "25", "seed": "5", "scope": "all", "stratify": "on"}
    response = client.get("/projects/loans/distribution/", query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: 20 documents split" in page and "Apply this split" in page
    assert datasets(team.project)["d10.txt"] == ""  # a preview changes nothing
    expected = split_preview(project=team.project, test_percent=25, seed=5, scope="all")
    assert f'name="fingerprint" value="{expected.fingerprint}"' in page
    response = client.post("/projects/loans/split/", {**query, "fingerprint": expected.fingerprint}, follow=True)
    assert "Split 20 documents: 15 to Train, 5 to Test." in response.content.decode()
    by_id = dict(team.project.documents.values_list("pk", "dataset"))
    assert by_id == expected.assignments


def test_page_apply_after_a_change_goes_back_to_a_fresh_preview(make_user):
    team = project_with_types(make_user)
    client = signed_in(team.owner)
    query = {"test_percent": "25", "seed": "5", "scope": "unassigned", "stratify": "on", "fingerprint": "stale"}
    response = client.post("/projects/loans/split/", query)
    assert response.status_code == 302
    assert response["Location"].startswith("/projects/loans/distribution/?test_percent=25&seed=5&scope=unassigned")
    assert list(datasets(team.project).values()).count("") == 16


def test_invalid_split_settings_show_errors(make_user):
    team = project_with_types(make_user)
    response = signed_in(team.owner).get("/projects/loans/distribution/", {"test_percent": "0", "seed": "1"})
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
