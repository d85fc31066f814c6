"""Memory per process, for sizing a host (README, "Scaling out"): what a web process and a worker process hold.

Each web process keeps its own cache of deployed models (`modeling.serving`, at most `MAX_MODELS`), so memory grows
with hosts x web processes x models; each worker process holds what its last training needed until django-q2
replaces it (`max_rss` in the Q_CLUSTER settings). Measures, with real processes as `make run` starts them:
- web: a gunicorn worker's RSS idle, after its first runtime call (one model loaded, and how long that call took
  without preloading), and after a second model: the cost of each model kept;
- worker: a qcluster worker's RSS idle, its peak while it trains (the fast config), and after the task (replaced).
The models are the default config trained for one epoch on 50 wikigold documents (inference costs as any trained
with it), the training is the fast config on 30 of them. Prints one JSON line. Usage: python bench/model_memory.py
"""

import dataclasses
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import psutil
from _django import ROOT, SHARED, setup

MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(process: psutil.Process) -> float:
    return round(process.memory_info().rss / MB, 1)


def children(parent: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(parent.pid).children(recursive=True)


def main() -> None:
    data_dir = setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annotation.formats import ProjectData
    from annotation.formats.jsonl import read_jsonl
    from annotation.services.imports import project_import
    from modeling import config as configs
    from modeling.ml.corpus import LabeledDocument
    from modeling.ml.training import train
    from modeling.models import TrainedModel, TrainingJob
    from modeling.services.deployments import deployment_deploy
    from modeling.services.training.options import EvaluationOptions
    from modeling.services.training.start import training_job_start
    from projects.services.api_keys import api_key_create

    user = get_user_model().objects.create_user("bench", password="bench-password")
    key = api_key_create(user=user, name="bench")
    wiki = read_jsonl((SHARED / "datasets/wikigold/azure/wikigold.jsonl").read_bytes())[:50]
    project = project_import(
        user=user,
        name="bench",
        data=ProjectData(name="bench", entity_types=["LOC", "MISC", "ORG", "PER"], documents=wiki),
    )
    config = dataclasses.replace(configs.CONFIGS[configs.DEFAULT_VERSION], max_epochs=1)
    train(config, [LabeledDocument(d.location, d.text, list(d.labels)) for d in wiki], None, settings.MODELS_DIR / "b")
    for label in ("m1", "m2"):  # the same files under two ids: two models as far as any cache knows
        TrainedModel.objects.create(
            project=project, label=label, model_id=f"bench-{label}", path="b", training_config_version=config.version,
            config=config.as_dict(), trained_at=timezone.now(),
        )  # fmt: skip
        deployment_deploy(user=user, project=project, name=label, model_label=label)

    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "studio.settings.local"}
    port = free_port()
    log = open(data_dir / "processes.log", "ab")
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "studio.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "4", "--no-control-socket"],
        cwd=ROOT, env={**env, "STUDIO_PRELOAD_MODELS": "0"}, stdout=log, stderr=log,
    )  # fmt: skip
    worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log, stderr=log)
    result = {"config": config.version}
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        [web_process] = children(web)

        def call(deployment: str) -> float:
            body = {
                "kind": "CustomEntityRecognition",
                "analysisInput": {"documents": [{"id": "1", "text": "Tokyo is big ."}]},
                "parameters": {"projectName": "bench", "deploymentName": deployment},
            }
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/language/:analyze-text?api-version=2023-04-01",
                data=json.dumps(body).encode(), method="POST",
                headers={"Content-Type": "application/json", "Ocp-Apim-Subscription-Key": key},
            )  # fmt: skip
            started = time.perf_counter()
            urllib.request.urlopen(request, timeout=300).close()
            return time.perf_counter() - started

        result["web_idle_mb"] = rss_mb(web_process)
        result["web_first_call_seconds_without_preloading"] = round(call("m1"), 2)
        result["web_warm_call_seconds"] = round(call("m1"), 3)
        result["web_one_model_mb"] = rss_mb(web_process)
        call("m2")
        result["web_two_models_mb"] = rss_mb(web_process)
        result["web_each_further_model_mb"] = round(result["web_two_models_mb"] - result["web_one_model_mb"], 1)

        time.sleep(5)  # the cluster's worker processes are up
        result["worker_idle_mb"] = max(rss_mb(p) for p in children(worker))
        job = training_job_start(
            user=user, project=project, model_label="t1", config_version="2026-11-01-fast",
            evaluation=EvaluationOptions(training_percent=80),
        )  # fmt: skip
        peak, done = [0.0], threading.Event()

        def sample() -> None:
            while not done.is_set():
                for process in children(worker):
                    try:
                        peak[0] = max(peak[0], rss_mb(process))
                    except psutil.NoSuchProcess:
                        pass
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        deadline = time.monotonic() + 1800
        while TrainingJob.objects.get(pk=job.pk).status in ("notStarted", "running") and time.monotonic() < deadline:
            time.sleep(1)
        done.set()
        sampler.join()
        result["training_status"] = TrainingJob.objects.get(pk=job.pk).status
        result["worker_peak_training_mb"] = peak[0]
        time.sleep(5)  # a worker past max_rss is replaced after its task
        result["worker_after_training_mb"] = max(rss_mb(p) for p in children(worker))
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
