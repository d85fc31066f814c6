"""Imports a dataset, trains with the default config through the real django-q2 worker, and reports.

Usage: python bench/train_bench.py [wikigold|wnut17|sample] [--config VERSION] [--hog N]
wikigold uses an automatic 80/20 split (fixed seed, recorded on the model); wnut17 its official Train/Test;
sample is the studio's sample project with its manual split. `--hog N` keeps N processes spinning on the CPU
for the whole run: training gets slower, never shorter or different (compare the F1 with a run without it).
Prints one JSON line: {"dataset", "config", "micro_f1", "micro_precision", "micro_recall", "training_seconds",
"worker_cpu_seconds", "wall_seconds", "peak_worker_rss_mb", "train_documents", "test_documents", "epochs_run",
"epochs_planned", "stop_reason", "averaged_epochs", "hogs"}.
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time

import psutil
from _django import ROOT, dataset_zip, setup


def tree_cpu(process: psutil.Process) -> float:
    """CPU seconds of the worker and its children: what the run cost, however busy the machine was."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _spin(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", nargs="?", default="wikigold", choices=["wikigold", "wnut17", "sample"])
    parser.add_argument("--config", default=None, help="trainingConfigVersion (default: the studio's default)")
    parser.add_argument("--hog", type=int, default=0, metavar="N", help="processes spinning on the CPU meanwhile")
    args = parser.parse_args()

    data_dir = setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from modeling.models import TrainedModel, TrainingJob
    from projects.services.api_keys import api_key_create

    # Creating projects is a permission administrators have (issue 16).
    user = get_user_model().objects.create_user("bench", password="bench-password", is_superuser=True)
    headers = {"Ocp-Apim-Subscription-Key": api_key_create(user=user, name="bench")}
    client = Client()
    if args.dataset == "sample":
        from annotation.services.sample import sample_project_create

        project_name = sample_project_create(user=user).name
    else:
        project_name = args.dataset
        response = client.post(
            f"/language/authoring/analyze-text/projects/{project_name}/:import?api-version=2023-04-01",
            {"file": dataset_zip(args.dataset)},
            headers=headers,
        )
        assert response.status_code == 202, response.content[:500]
    base = f"/language/authoring/analyze-text/projects/{project_name}"

    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "studio.settings.local"}
    log = open(data_dir / "worker.log", "ab")
    worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log, stderr=log)
    stop = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(args.hog)]
    for hog in hogs:
        hog.start()
    cpu = 0.0
    try:
        options = (
            {"kind": "manual"}
            if args.dataset in ("wnut17", "sample")
            else {"kind": "percentage", "trainingSplitPercentage": 80, "testingSplitPercentage": 20}
        )
        body = {"modelLabel": "bench", "evaluationOptions": options}
        if args.config:
            body["trainingConfigVersion"] = args.config
        started = time.monotonic()
        response = client.post(
            f"{base}/:train?api-version=2023-04-01", json.dumps(body), content_type="application/json", headers=headers
        )
        assert response.status_code == 202, response.content[:500]
        url = response["Operation-Location"]
        peak = 0
        psutil_worker = psutil.Process(worker.pid)
        while True:
            peak = max(peak, tree_rss(psutil_worker))
            cpu = max(cpu, tree_cpu(psutil_worker))
            state = client.get(url, headers=headers).json()
            if state["status"] in ("succeeded", "failed", "cancelled"):
                break
            if worker.poll() is not None:
                raise SystemExit(f"The worker exited ({worker.returncode}); see {data_dir / 'worker.log'}")
            time.sleep(2)
        wall = time.monotonic() - started
    finally:
        stop.set()
        for hog in hogs:
            hog.join(timeout=10)
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    if state["status"] != "succeeded":
        raise SystemExit(f"Training {state['status']}: {state['errors']}")
    model = TrainedModel.objects.get(label="bench")
    job = TrainingJob.objects.get(model_label="bench")
    evaluation = model.evaluation
    print(
        json.dumps(
            {
                "dataset": args.dataset,
                "config": model.training_config_version,
                "micro_f1": round(evaluation["microF1"], 4),
                "micro_precision": round(evaluation["microPrecision"], 4),
                "micro_recall": round(evaluation["microRecall"], 4),
                "macro_f1": round(evaluation["macroF1"], 4),
                "training_seconds": model.training_seconds,
                "worker_cpu_seconds": round(cpu, 1),
                "wall_seconds": round(wall, 1),
                "peak_worker_rss_mb": round(peak / 2**20),
                "train_documents": model.train_documents,
                "test_documents": model.test_documents,
                "epochs_run": job.progress.get("epochs_run"),
                "epochs_planned": job.progress.get("total_epochs"),
                "stop_reason": job.progress.get("stop_reason"),
                "averaged_epochs": job.progress.get("averaged_epochs"),
                "hogs": args.hog,
            }
        )
    )


if __name__ == "__main__":
    main()
