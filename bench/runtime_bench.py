"""Runtime throughput and latency, raw in-process vs over HTTP, on one model and one set of documents.

Trains a model with the default config for one epoch on 100 wikigold documents (quality is irrelevant here;
inference cost is that of the default config), deploys it, starts the real web server (gunicorn, as
`make run` does) and measures:
- raw: in-process `serving.predict` of one document at a time (docs/s);
- sync HTTP: `POST /language/:analyze-text`, one document per request, 4 concurrent clients (docs/s);
- SDK: `begin_recognize_custom_entities`, one document per call, 4 concurrent clients (docs/s);
- latency of one short document through the sync endpoint (median, p99) and the SDK round trip (median);
- the first call after a deploy: a second model is deployed through the authoring API while the server runs, the
  bench waits for the background load (each web process's preloader, `modeling.serving`), then times one call;
- load: the sync endpoint at 1, 4 and 16 concurrent clients (`--clients`), one document per request, each level for
  `--seconds`: latency median/p90/p99/max, documents per second, errors and 429s (`studio/limits.py` bounds the
  queue: past it the runtime answers 429 with Retry-After; none is expected at these levels).
Prints one JSON line. Usage: python bench/runtime_bench.py [--documents 200] [--seconds 20] [--clients 1,4,16]
[--quick] (`--quick`: the load levels only, no SDK or deploy timings; what `tests/reliability` runs)
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
import urllib.error
import urllib.request

from _django import ROOT, SHARED, setup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load_level(clients: int, seconds: float, call) -> dict:
    """`clients` threads each calling `call()` back to back for `seconds`; `call` returns the HTTP status."""
    latencies, statuses, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status = call()
            except Exception as error:  # a refused or dropped connection counts as an error
                status = repr(error)
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses.append(status)

    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ok = sum(s == 200 for s in statuses)
    return {
        "clients": clients,
        "requests": len(statuses),
        "docs_per_s": round(ok / elapsed, 2),
        "latency_median_ms": round(1000 * statistics.median(latencies), 1),
        "latency_p90_ms": round(1000 * percentile(latencies, 0.9), 1),
        "latency_p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "latency_max_ms": round(1000 * max(latencies), 1),
        "too_many_requests": sum(s == 429 for s in statuses),
        "errors": sum(s not in (200, 429) for s in statuses),
    }


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
    parser.add_argument("--clients", default="1,4,16", help="concurrent clients of each load level")
    parser.add_argument("--quick", action="store_true", help="the load levels only")
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
    if args.quick:  # inference cost of the default config still; one epoch on a quarter of the documents
        wiki = wiki[:25]
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

        def sync_request(text: str, deployment: str = "prod") -> urllib.request.Request:
            body = json.dumps(
                {
                    "kind": "CustomEntityRecognition",
                    "analysisInput": {"documents": [{"id": "1", "text": text}]},
                    "parameters": {"projectName": "bench", "deploymentName": deployment},
                }
            ).encode()
            return urllib.request.Request(
                f"{endpoint}/language/:analyze-text?api-version=2023-04-01", data=body, method="POST",
                headers={"Content-Type": "application/json", "Ocp-Apim-Subscription-Key": key},
            )  # fmt: skip

        def sync_call(text: str, deployment: str = "prod") -> dict:
            with urllib.request.urlopen(sync_request(text, deployment), timeout=60) as response:
                return json.load(response)

        def sync_status(text: str) -> int:
            try:
                with urllib.request.urlopen(sync_request(text), timeout=60) as response:
                    response.read()
                    return response.status
            except urllib.error.HTTPError as error:
                error.read()
                return error.code

        for _ in range(8):  # load the model in both server processes
            sync_call(short)
        counter = [0]

        def next_doc():
            counter[0] += 1
            return documents[counter[0] % len(documents)]

        levels = [load_level(int(n), args.seconds, lambda: sync_status(next_doc())) for n in args.clients.split(",")]
        if args.quick:
            print(json.dumps({"config": config.version, "documents": len(documents), "load": levels}))
            return
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
                "load": levels,
                "failures": len(sync_failures) + len(sdk_failures),
                "bench_model_train_seconds": round(train_seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
