"""Runtime throughput and latency, raw in-process vs over HTTP, on one model and one set of documents.

Trains a model with the default config for one epoch on 100 wikigold documents (quality is irrelevant here;
inference cost is that of the default config), deploys it, starts the real web server (gunicorn, as
`make run` does) and measures:
- raw: in-process `serving.predict` of one document at a time (docs/s);
- sync HTTP: `POST /language/:analyze-text`, one document per request, 4 concurrent clients (docs/s);
- SDK: `begin_recognize_custom_entities`, one document per call, 4 concurrent clients (docs/s);
- latency of one short document through the sync endpoint (median, p99) and the SDK round trip (median);
- the first call after a deploy: a second model is deployed through the authoring API while the server runs, the
  bench waits for the background load (each web process's preloader, `modeling.serving`), then times one call.
Prints one JSON line. Usage: python bench/runtime_bench.py [--documents 200] [--seconds 20]
"""

import argparse
import dataclasses
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from _django import ROOT, SHARED, setup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def concurrent(clients: int, seconds: float, work) -> tuple[int, float, list[str]]:
    """Runs `work()` in `clients` threads for `seconds`; returns (calls, elapsed, failures)."""
    count, failures, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(index):
        while time.monotonic() < deadline:
            try:
                work(index)
                with lock:
                    count[0] += 1
            except Exception as error:
                failures.append(repr(error))

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0], time.monotonic() - started, failures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    data_dir = setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annotation.formats import ProjectData
    from annotation.formats.jsonl import read_jsonl
    from annotation.services.imports import project_import
    from modeling import config as configs
    from modeling import serving
    from modeling.ml.corpus import LabeledDocument
    from modeling.ml.training import train
    from modeling.models import TrainedModel
    from modeling.services.deployments import deployment_deploy
    from modeling.services.models import model_file
    from projects.services.api_keys import api_key_create

    user = get_user_model().objects.create_user("bench", password="bench-password")
    key = api_key_create(user=user, name="bench")
    wiki = read_jsonl((SHARED / "datasets/wikigold/azure/wikigold.jsonl").read_bytes())[:100]
    project = project_import(
        user=user,
        name="bench",
        data=ProjectData(name="bench", entity_types=["LOC", "MISC", "ORG", "PER"], documents=wiki),
    )
    config = dataclasses.replace(configs.CONFIGS[configs.DEFAULT_VERSION], max_epochs=1)
    folder = settings.MODELS_DIR / "bench" / "m1"
    started = time.monotonic()
    train(config, [LabeledDocument(d.location, d.text, list(d.labels)) for d in wiki], None, folder)
    train_seconds = time.monotonic() - started
    model = TrainedModel.objects.create(
        project=project, label="m1", model_id="bench-m1", path="bench/m1", training_config_version=config.version,
        config=config.as_dict(), trained_at=timezone.now(),
    )  # fmt: skip
    deployment_deploy(user=user, project=project, name="prod", model_label="m1")
    # The same files under another model id, deployed while the server runs: no process has it loaded yet.
    fresh = TrainedModel.objects.create(
        project=project, label="m2", model_id="bench-m2", path="bench/m1", training_config_version=config.version,
        config=config.as_dict(), trained_at=timezone.now(),
    )  # fmt: skip

    lines = [
        line
        for d in read_jsonl((SHARED / "datasets/wikigold/azure/wikigold.jsonl").read_bytes())[100:]
        for line in d.text.split("\n")
        if len(line) > 40
    ]
    documents = lines[: args.documents]
    short = "The Mad Capsule Markets played in Tokyo with Kojima Minoru ."

    started = time.monotonic()
    serving.loaded(fresh, model_file(fresh))  # how long one load takes here, to know how long to wait below
    load_seconds = time.monotonic() - started
    serving.forget(fresh.model_id)

    # Raw: in-process, one document per call, after a warm-up.
    serving.predict(model, documents[:5], file=model_file(model))
    started, calls = time.monotonic(), 0
    while time.monotonic() - started < args.seconds:
        serving.predict(model, [documents[calls % len(documents)]], file=model_file(model))
        calls += 1
    raw = calls / (time.monotonic() - started)

    port = free_port()
    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "studio.settings.local"}
    log = open(data_dir / "web.log", "ab")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "studio.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "8", "--timeout", "300"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)

        def sync_call(text: str, deployment: str = "prod") -> dict:
            body = json.dumps(
                {
                    "kind": "CustomEntityRecognition",
                    "analysisInput": {"documents": [{"id": "1", "text": text}]},
                    "parameters": {"projectName": "bench", "deploymentName": deployment},
                }
            ).encode()
            request = urllib.request.Request(
                f"{endpoint}/language/:analyze-text?api-version=2023-04-01", data=body, method="POST",
                headers={"Content-Type": "application/json", "Ocp-Apim-Subscription-Key": key},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)

        for _ in range(8):  # load the model in both server processes
            sync_call(short)
        counter = [0]

        def next_doc():
            counter[0] += 1
            return documents[counter[0] % len(documents)]

        calls, elapsed, sync_failures = concurrent(4, args.seconds, lambda i: sync_call(next_doc()))
        http = calls / elapsed

        from azure.ai.textanalytics import TextAnalyticsClient
        from azure.core.credentials import AzureKeyCredential

        clients = [TextAnalyticsClient(endpoint, AzureKeyCredential(key)) for _ in range(4)]

        def sdk_call(index: int, text: str):
            poller = clients[index].begin_recognize_custom_entities(
                [text], project_name="bench", deployment_name="prod"
            )
            result = poller.result()
            return list(result)

        calls, elapsed, sdk_failures = concurrent(4, args.seconds, lambda i: sdk_call(i, next_doc()))
        sdk = calls / elapsed

        latencies = []
        for _ in range(100):
            t = time.perf_counter()
            sync_call(short)
            latencies.append(time.perf_counter() - t)
        round_trips = []
        for _ in range(20):
            t = time.perf_counter()
            sdk_call(0, short)
            round_trips.append(time.perf_counter() - t)

        # Deploy m2 as "fresh" over HTTP, wait for the background loads (the process that deployed starts at once,
        # the other one's preloader within POLL_SECONDS), then time the first call (either process may answer).
        request = urllib.request.Request(
            f"{endpoint}/language/authoring/analyze-text/projects/bench/deployments/fresh?api-version=2023-04-01",
            data=json.dumps({"trainedModelLabel": "m2"}).encode(), method="PUT",
            headers={"Content-Type": "application/json", "Ocp-Apim-Subscription-Key": key},
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=60).close()
        time.sleep(serving.POLL_SECONDS + 2 * load_seconds + 1)
        t = time.perf_counter()
        sync_call(short, "fresh")
        first_call_after_deploy = time.perf_counter() - t
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    print(
        json.dumps(
            {
                "config": config.version,
                "documents": len(documents),
                "mean_document_chars": round(statistics.mean(len(d) for d in documents)),
                "raw_docs_per_s": round(raw, 2),
                "sync_http_docs_per_s_4_clients": round(http, 2),
                "sdk_docs_per_s_4_clients": round(sdk, 2),
                "ratio_http_over_raw": round(http / raw, 3),
                "ratio_sdk_over_raw": round(sdk / raw, 3),
                "latency_short_median_ms": round(1000 * statistics.median(latencies), 1),
                "latency_short_p99_ms": round(1000 * percentile(latencies, 0.99), 1),
                "sdk_round_trip_median_s": round(statistics.median(round_trips), 3),
                "sdk_round_trip_max_s": round(max(round_trips), 3),
                "model_load_seconds": round(load_seconds, 2),
                "first_call_after_deploy_seconds": round(first_call_after_deploy, 3),
                "failures": len(sync_failures) + len(sdk_failures),
                "bench_model_train_seconds": round(train_seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
