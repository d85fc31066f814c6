"""The learning-curve job: which documents each share trains on and is scored against (training stands in here; the
slow browser test trains for real), the 100 % point from the model itself, the sentence and the chart on its tab."""

from __future__ import annotations

from html import unescape

import pytest

from modeling.models import LoopJob
from modeling.services.loop import jobs
from modeling.services.loop import learning_curve as curve_service
from modeling.services.loop.jobs import loop_job_run, loop_job_start
from modeling.views.presenters.learning_curve import chart, verdict
from projects.models import JobStatus
from studio.exceptions import InvalidInput, PermissionDenied
from tests.modeling.test_pages import make_model, make_team


@pytest.fixture
def team(make_user):
    # 16 documents, every 4th in Test: 12 Train, 4 Test. The model's evaluation is on the Test ones.
    return make_team(make_user, documents=16)


@pytest.fixture
def model(team):
    model = make_model(team.project)
    model.evaluation_options = {"kind": "manual"}
    model.train_documents = 12
    model.save()
    return model


@pytest.fixture
def trained(monkeypatch):
    """Stands in for training: F1 grows with the number of documents; records what each run saw."""
    runs: list[dict] = []

    def train_and_score(*, config, train, test, categories, workdir, on_progress, should_cancel):
        runs.append({"train": sorted(d.location for d in train), "test": sorted(d.location for d in test)})
        on_progress(50)
        f1 = round(0.3 + 0.03 * len(train), 4)
        return {"microF1": f1, "microPrecision": f1, "microRecall": f1}

    monkeypatch.setattr(curve_service, "train_and_score", train_and_score)
    monkeypatch.setattr(jobs, "_enqueue", lambda job: None)
    return runs


def _run(user, model) -> LoopJob:
    job = loop_job_start(user=user, project=model.project, kind="learning-curve", trained_model=model)
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    return job


def test_the_curve_trains_nested_shares_of_the_models_training_documents_against_its_test_documents(
    team, model, trained
):
    job = _run(team.owner, model)
    assert job.status == JobStatus.SUCCEEDED, job.error
    train = sorted(d.location for d in team.project.documents.filter(dataset="Train"))
    test = sorted(d.location for d in team.project.documents.filter(dataset="Test"))
    assert [len(run["train"]) for run in trained] == [3, 6, 9]
    assert all(run["test"] == test for run in trained)
    assert set(trained[0]["train"]) < set(trained[1]["train"]) < set(trained[2]["train"]) < set(train)
    points = job.result["points"]
    assert [(p["fraction"], p["documents"], p["trained"]) for p in points] == [
        (0.25, 3, True),
        (0.5, 6, True),
        (0.75, 9, True),
        (1.0, 12, False),
    ]
    assert [p["f1"] for p in points[:3]] == [0.39, 0.48, 0.57]
    assert points[3]["f1"] == pytest.approx(model.evaluation["microF1"], abs=1e-4)  # the model's own score
    assert (job.result["trainDocuments"], job.result["testDocuments"]) == (12, 4)


def test_only_owners_draw_curves_of_evaluated_models(team, model, trained):
    with pytest.raises(PermissionDenied):
        loop_job_start(user=team.annotator, project=team.project, kind="learning-curve", trained_model=model)
    with pytest.raises(InvalidInput, match="Choose the model"):
        loop_job_start(user=team.owner, project=team.project, kind="learning-curve")
    model.train_documents = 3
    model.save()
    with pytest.raises(InvalidInput, match="needs a model trained on at least 4 documents; 'm1' trained on 3"):
        loop_job_start(user=team.owner, project=team.project, kind="learning-curve", trained_model=model)
    model.evaluation = {}
    model.save()
    with pytest.raises(InvalidInput, match="has no evaluation"):
        loop_job_start(user=team.owner, project=team.project, kind="learning-curve", trained_model=model)


def _result(*f1s: float, tested: int = 40) -> dict:
    fractions = (0.25, 0.5, 0.75, 1.0)
    points = [
        {"fraction": f, "documents": round(f * 100), "f1": v, "trained": f < 1}
        for f, v in zip(fractions, f1s, strict=True)
    ]
    return {"points": points, "testDocuments": tested, "trainDocuments": 100}


def test_the_sentence_says_whether_more_labeling_still_pays_off():
    assert verdict(_result(0.40, 0.55, 0.62, 0.70)) == (
        "More labeling is still paying off: from 75% to 100% of the training documents (75 to 100), test F1 went "
        "from 0.62 to 0.70, +3.2 points per 10 % more documents. Label more documents like these."
    )
    assert verdict(_result(0.40, 0.55, 0.62, 0.635)).startswith("More labeling still helps, but little: ")
    assert "+0.6 points per 10 % more documents" in verdict(_result(0.40, 0.55, 0.62, 0.635))
    flat = verdict(_result(0.40, 0.55, 0.62, 0.61, tested=8))
    assert flat.startswith("More labeling of the same kind is no longer paying off: ")
    assert "-0.4 points per 10 % more documents" in flat
    assert flat.endswith("With only 8 test documents, each score on the curve is rough.")
    assert "no change per 10 % more documents" in verdict(_result(0.40, 0.55, 0.62, 0.62))
    assert verdict(_result(0.9, 1.0, 1.0, 1.0)).startswith(
        "The model already scores 1.00 on its test documents with 75% of its training documents (75), so the curve "
        "cannot show a gain"
    )


def test_the_chart_puts_documents_on_x_and_f1_on_y():
    drawn = chart(_result(0.40, 0.55, 0.62, 0.70))
    xs, ys = [p.x for p in drawn.points], [p.y for p in drawn.points]
    assert xs == sorted(xs) and xs[-1] == drawn.right
    assert ys == sorted(ys, reverse=True)  # higher F1 is higher up
    assert drawn.points[-1].y == pytest.approx(drawn.bottom - 0.7 * (drawn.bottom - drawn.top), abs=0.1)
    assert [t.text for t in drawn.y_ticks] == ["0", "0.25", "0.5", "0.75", "1"]


def test_the_tab_shows_the_plan_then_the_chart_and_the_sentence(team, model, trained):
    url = "/projects/loans/models/m1/learning-curve/"
    html = unescape(team.client("owner").get(url).content.decode())
    assert "Trains 3 models with this model's configuration on 25%, 50% and 75% of its 12 training documents" in html
    assert "data-curve-start" in html and "data-curve-chart" not in html
    _run(team.owner, model)
    html = team.client("viewer").get(url).content.decode()
    assert html.count('class="m-curve-point') == 4
    assert "data-curve-verdict" in html and "per 10 % more documents" in html
    assert "data-curve-start" not in html  # only owners start it
