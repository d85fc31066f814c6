"""Imports a shared dataset, trains with the default config through the real django-q2 worker, and reports.

Usage: python bench/train_bench.py [wikigold|wnut17] [--config VERSION]
wikigold uses an automatic 80/20 split (fixed seed, recorded on the model); wnut17 its official Train/Test.
Prints one JSON line: {"dataset", "config", "micro_f1", "micro_precision", "micro_recall", "training_seconds",
"wall_seconds", "peak_worker_rss_mb", "train_documents", "test_documents", "epochs_run", "stop_reason",
"averaged_epochs"}.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import psutil
from _django import ROOT, dataset_zip, setup


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", nargs="?", default="wikigold", choices=["wikigold", "wnut17"])
    parser.add_argument("--config", default=None, help="trainingConfigVersion (default: the studio's default)")
    args = parser.parse_args()

    data_dir = setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from modeling.models import TrainedModel, TrainingJob
    from projects.services.api_keys import api_key_create

    user = get_user_model().objects.create_user("bench", password="bench-password")
    headers = {"Ocp-Apim-Subscription-Key": api_key_create(user=user, name="bench")}
    client = Client()
    base = f"/language/authoring/analyze-text/projects/{args.dataset}"
    response = client.post(
        f"{base}/:import?api-version=2023-04-01", {"file": dataset_zip(args.dataset)}, headers=headers
    )
    assert response.status_code == 202, response.content[:500]

    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "studio.settings.local"}
    log = open(data_dir / "worker.log", "ab")
    worker = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        options = (
            {"kind": "manual"}
            if args.dataset == "wnut17"
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
            state = client.get(url, headers=headers).json()
            if state["status"] in ("succeeded", "failed", "cancelled"):
                break
            if worker.poll() is not None:
                raise SystemExit(f"The worker exited ({worker.returncode}); see {data_dir / 'worker.log'}")
            time.sleep(2)
        wall = time.monotonic() - started
    finally:
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
                "wall_seconds": round(wall, 1),
                "peak_worker_rss_mb": round(peak / 2**20),
                "train_documents": model.train_documents,
                "test_documents": model.test_documents,
                "epochs_run": job.progress.get("epochs_run"),
                "stop_reason": job.progress.get("stop_reason"),
                "averaged_epochs": job.progress.get("averaged_epochs"),
            }
        )
    )


if __name__ == "__main__":
    main()
