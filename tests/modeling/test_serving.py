"""The per-process model cache and its preloader: a deploy loads the model before any call, every web process
loads what is deployed, within the cache's bound, and the state it reports while doing so."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.utils import timezone

from modeling import apps, serving
from modeling import config as configs
from modeling.models import TrainedModel
from modeling.services.deployments import deployed_models, deployment_deploy, deployments_swap
from projects.services.projects import project_create


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture(autouse=True)
def clean_cache():
    """Each test starts from an empty cache; what other tests had loaded comes back afterwards."""
    serving.preloading_stop()
    with serving._cache_lock:
        saved = dict(serving._cache)
        serving._cache.clear()
        serving._failed.clear()
    yield
    serving.preloading_stop()
    assert wait_for(lambda: not serving._queued, 30)  # no background load outlives its test
    with serving._cache_lock:
        serving._cache.clear()
        serving._cache.update(saved)
        serving._failed.clear()


@pytest.fixture
def fake_loads(monkeypatch):
    """Loading takes no time and returns a token; files named `broken` fail; `gate` holds every load while clear."""
    gate = threading.Event()
    gate.set()
    loads: list[str] = []

    def load_tagger(path):
        gate.wait(30)
        if Path(path).name == "broken":
            raise FileNotFoundError(path)
        loads.append(Path(path).name)
        return f"tagger:{Path(path).name}"

    monkeypatch.setattr("modeling.ml.inference.load_tagger", load_tagger)
    return loads, gate


def model(name: str) -> tuple[TrainedModel, Path]:
    config = configs.CONFIGS[configs.DEFAULT_VERSION].as_dict()
    return TrainedModel(model_id=name, config=config, trained_at=timezone.now()), Path(name)


def cached() -> list[str]:
    return list(serving._cache)


# ------------------------------------------------------------------------------------------------ a deploy


def test_a_deploy_loads_the_model_in_this_process_without_any_call(
    make_user, deploy_tiny, django_capture_on_commit_callbacks
):
    project = project_create(user=make_user("owner"), name="loans")
    trained = deploy_tiny(project, deployment=None)
    serving.forget(trained.model_id)
    assert serving.state(trained.model_id) == serving.NOT_LOADED
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deployment_deploy(user=None, project=project, name="prod", model_label="m1")
        assert serving.state(trained.model_id) == serving.NOT_LOADED  # nothing before the commit
    assert len(callbacks) == 1
    assert wait_for(lambda: serving.state(trained.model_id) == serving.READY)
    assert serving._cache[trained.model_id].tagger is not None


def test_a_swap_loads_both_models_and_the_setting_turns_it_off(
    make_user, deploy_tiny, django_capture_on_commit_callbacks, settings
):
    project = project_create(user=make_user("owner"), name="loans")
    first = deploy_tiny(project, label="m1", deployment="prod")
    second = deploy_tiny(project, label="m2", variant="b", deployment="staging")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deployments_swap(user=None, project=project, first="prod", second="staging")
    assert len(callbacks) == 2
    assert wait_for(lambda: {serving.state(first.model_id), serving.state(second.model_id)} == {serving.READY})

    settings.STUDIO_PRELOAD_MODELS = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deployments_swap(user=None, project=project, first="prod", second="staging")
    assert callbacks == []


def test_deployed_models_are_read_most_recent_first_once_each(make_user, deploy_tiny):
    project = project_create(user=make_user("owner"), name="loans")
    deploy_tiny(project, label="m1", deployment="prod")
    deploy_tiny(project, label="m2", deployment="staging")
    deploy_tiny(project, label="m3", deployment=None)  # not deployed
    deployment_deploy(user=None, project=project, name="canary", model_label="m1")  # m1 again, most recently
    models = deployed_models()
    assert [m.label for m, _ in models] == ["m1", "m2"]
    assert models[0][1].name == "model.pt" and models[0][1].exists()


# ------------------------------------------------------------------------------------------------ the cache


def test_preload_loads_what_is_deployed_most_recent_first_within_the_bound(fake_loads):
    loads, _ = fake_loads
    deployed = [model(f"m{i}") for i in range(6)]
    assert serving.preload(deployed) == ["m0", "m1", "m2", "m3"]  # MAX_MODELS of them
    assert wait_for(lambda: len(cached()) == serving.MAX_MODELS and not serving._queued)
    assert [serving.state(f"m{i}") for i in range(6)] == [serving.READY] * 4 + [serving.NOT_LOADED] * 2
    # Full: the next poll loads nothing, so the preloader never evicts one deployed model for another.
    assert serving.preload(deployed) == []
    assert loads == ["m0", "m1", "m2", "m3"]


def test_preload_drops_models_no_deployment_serves_any_more(fake_loads):
    serving.preload([model("old"), model("kept")])
    assert wait_for(lambda: set(cached()) == {"old", "kept"})
    read_at = time.monotonic()
    serving.preload([model("new"), model("kept")], read_at=read_at)
    assert wait_for(lambda: set(cached()) == {"new", "kept"})
    # A model loaded after the deployments were read may be deployed since: it stays.
    serving.preload([model("kept")], read_at=read_at)
    assert set(cached()) == {"new", "kept"}


def test_the_state_while_loading_and_after_a_failure(fake_loads):
    loads, gate = fake_loads
    gate.clear()
    serving.load_in_background(*model("slow"))
    serving.load_in_background(*model("broken"))  # queued behind slow: one load at a time
    assert serving.state("slow") == serving.LOADING and serving.state("broken") == serving.LOADING
    gate.set()
    assert wait_for(lambda: serving.state("broken") == serving.FAILED)
    assert serving.state("slow") == serving.READY
    assert serving.preload([model("broken")]) == []  # not retried before RETRY_SECONDS
    with pytest.raises(FileNotFoundError):  # a call tries again and says why
        serving.loaded(*model("broken"))


def test_a_call_waits_for_the_background_load_instead_of_loading_twice(fake_loads):
    loads, gate = fake_loads
    gate.clear()
    serving.load_in_background(*model("m1"))
    assert wait_for(lambda: "m1" in serving._in_progress)
    result = {}
    caller = threading.Thread(target=lambda: result.setdefault("entry", serving.loaded(*model("m1"))))
    caller.start()
    gate.set()
    caller.join(30)
    assert result["entry"].tagger == "tagger:m1" and loads == ["m1"]


# ------------------------------------------------------------------------------------------------ the preloader


def test_the_preloader_polls_and_starts_once_per_process(fake_loads):
    deployed = [model("m1")]
    assert serving.preloading_start(lambda: list(deployed), interval=0.05)
    assert not serving.preloading_start(lambda: [], interval=0.05)
    assert wait_for(lambda: serving.state("m1") == serving.READY, 10)
    deployed.append(model("m2"))  # deployed meanwhile, by another process
    assert wait_for(lambda: serving.state("m2") == serving.READY, 10)
    serving.preloading_stop()
    assert serving._poller is None


def test_the_preloader_survives_a_failing_read(fake_loads):
    reads = []

    def deployed():
        reads.append(1)
        if len(reads) == 1:
            raise RuntimeError("database is away")
        return [model("m1")]

    serving.preloading_start(deployed, interval=0.05)
    assert wait_for(lambda: serving.state("m1") == serving.READY, 10)


def test_only_gunicorn_workers_preload(monkeypatch):
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    assert not apps.serves_web_requests()  # tests, management commands, the django-q2 worker
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    assert apps.serves_web_requests()
