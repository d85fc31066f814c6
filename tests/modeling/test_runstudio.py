"""`manage.py runstudio` (what `make run` starts): web server and worker supervised, restarted, stopped together.

The supervisor's tests use small shell children; the runstudio tests run the real thing on a free loopback port
with a temporary data directory and HOME.
"""

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from modeling.management.supervisor import Child, GaveUp, RestartPolicy, Supervisor
from tests import processes

ROOT = Path(__file__).resolve().parent.parent.parent


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


# The supervisor, with shell children


def test_restart_policy_doubles_its_delay_up_to_a_cap():
    policy = RestartPolicy(first_delay=0.5, max_delay=10)
    assert [policy.delay(n) for n in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]


def test_a_dead_child_is_restarted_without_its_orphans_and_too_many_deaths_stop_everything(tmp_path):
    grandchildren = tmp_path / "grandchildren"
    # Leaves a grandchild in its group, as a killed qcluster leaves its sentinel and workers.
    dying = Child("worker", ["sh", "-c", f"sleep 300 & echo $! >> {grandchildren}; sleep 0.2; exit 3"])
    cleanups = []
    dying.after_exit = lambda: cleanups.append(_pids(grandchildren))
    steady = Child("web server", ["sleep", "300"])
    log = []
    supervisor = Supervisor(
        [steady, dying], log=log.append, policy=RestartPolicy(first_delay=0.05, max_restarts=2), stop_grace=1
    )
    started = time.monotonic()
    with pytest.raises(GaveUp, match=r"The worker stopped 3 times within 60 s \(the last time it exited with code 3\)"):
        supervisor.run()
    assert time.monotonic() - started < 10
    assert len(_pids(grandchildren)) == 3
    # Each clean-up ran once the group was gone: no grandchild outlived the child that started it.
    assert [len(pids) for pids in cleanups] == [1, 2, 3]
    assert all(_gone(pid) for pid in _pids(grandchildren))
    assert steady.process.returncode == -signal.SIGTERM  # stopped with the rest
    assert sum("restarting it in" in line for line in log) == 2


def test_stop_kills_a_child_that_ignores_sigterm_and_its_whole_group_after_the_grace(tmp_path):
    pids = tmp_path / "pids"
    # Ignores SIGTERM, as a django-q2 cluster does while a task (a training) runs; its grandchild inherits that.
    stubborn = Child("worker", ["sh", "-c", f"trap '' TERM; sleep 300 & echo $$ $! > {pids}; wait"])
    stubborn.after_exit = lambda: cleaned.append(all(_gone(pid) for pid in _pids(pids)))
    cleaned = []
    supervisor = Supervisor([stubborn], log=lambda line: None, stop_grace=1)

    def stop_when_up():
        _wait_for(lambda: len(_pids(pids)) == 2, 10, "the child")
        supervisor.request_stop()

    threading.Thread(target=stop_when_up, daemon=True).start()
    supervisor.run()
    assert cleaned == [True]
    assert stubborn.process.returncode == -signal.SIGKILL


def test_a_second_stop_request_skips_the_grace(tmp_path):
    pids = tmp_path / "pids"
    stubborn = Child("worker", ["sh", "-c", f"trap '' TERM; echo $$ > {pids}; while :; do sleep 1; done"])
    supervisor = Supervisor([stubborn], log=lambda line: None, stop_grace=60)

    def stop_twice():
        _wait_for(lambda: _pids(pids), 10, "the child")
        supervisor.request_stop()
        time.sleep(0.3)
        supervisor.request_stop()

    threading.Thread(target=stop_twice, daemon=True).start()
    started = time.monotonic()
    supervisor.run()
    assert time.monotonic() - started < 10
    assert stubborn.process.returncode == -signal.SIGKILL


# runstudio itself


def _child(studio: psutil.Process, command: str) -> psutil.Process | None:
    """runstudio's child running `command` once it has children of its own (the server or cluster is up)."""
    for child in studio.children():
        try:
            if command in " ".join(child.cmdline()) and child.children():
                return child
        except psutil.NoSuchProcess:
            pass
    return None


@pytest.fixture
def studio(tmp_path, transactional_db):
    """Starts runstudio; yields (process, port, env, home); kills what is left of it afterwards."""
    home = tmp_path / "home"
    home.mkdir()
    process, port, env = processes.start_studio(home)
    try:
        _wait_for(lambda: processes.healthz_ok(port) or process.poll() is not None, 60, "the web server")
        assert process.poll() is None, process.stdout.read().decode()[-3000:]
        yield process, port, env, home
    finally:
        processes.kill_what_is_left(process)


def _interrupt_and_check_everything_stops(process: subprocess.Popen) -> str:
    descendants = psutil.Process(process.pid).children(recursive=True)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _wait_for(lambda: all(_gone(d.pid) for d in descendants), 5, "all of runstudio's processes to stop")
    stopped_in = time.monotonic() - started
    output, _ = process.communicate(timeout=10)
    output = output.decode()
    assert process.returncode == 0, output[-3000:]
    assert "Studio stopped." in output
    assert stopped_in < 5
    return output


def test_ctrl_c_stops_everything_within_5_s_even_while_a_task_runs(studio, tmp_path):
    process, port, env, home = studio
    children = " ".join(" ".join(c.cmdline()) for c in psutil.Process(process.pid).children(recursive=True))
    assert "gunicorn" in children and "qcluster" in children
    # gunicorn's control socket is in the data directory, not the user's shared ~/.gunicorn.
    assert (Path(settings.DATA_DIR) / "gunicorn.ctl").is_socket()
    assert not (home / ".gunicorn").exists()
    # A long task (a training, say), with a child process of its own: django-q2 alone would wait for it.
    marker = tmp_path / "task-started"
    task = f"'subprocess.run', ['sh', '-c', 'touch {marker}; sleep 300']"
    enqueue = f"from django_q.tasks import async_task; async_task({task})"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", enqueue], cwd=ROOT, env=env, check=True)
    _wait_for(marker.exists, 30, "the task to start")
    _interrupt_and_check_everything_stops(process)
    assert not (home / ".gunicorn").exists()


def test_a_second_host_starting_leaves_the_jobs_other_hosts_run_and_fails_only_stale_ones(tmp_path, transactional_db):
    from datetime import timedelta

    from django.utils import timezone

    from modeling.models import TrainingJob
    from projects.models import JobStatus, Project

    now = timezone.now()

    def job(name: str, heartbeat_age: timedelta) -> TrainingJob:
        project = Project.objects.create(name=name)
        return TrainingJob.objects.create(
            job_id=f"job-{name}", project=project, model_label="m1", training_config_version="latest",
            status=JobStatus.RUNNING, training_status=JobStatus.RUNNING, heartbeat_at=now - heartbeat_age,
            expires_at=now + timedelta(days=7),
        )  # fmt: skip

    elsewhere = job("elsewhere", timedelta(seconds=10))  # another host's worker wrote 10 s ago
    dead = job("dead", timedelta(minutes=10))  # nobody has written for 10 minutes
    (tmp_path / "home").mkdir()
    process, port, _ = processes.start_studio(tmp_path / "home")
    try:
        _wait_for(lambda: processes.healthz_ok(port) or process.poll() is not None, 60, "the web server")
        assert process.poll() is None
        assert TrainingJob.objects.get(pk=elsewhere.pk).status == JobStatus.RUNNING
        assert TrainingJob.objects.get(pk=dead.pk).status == JobStatus.FAILED
    finally:
        processes.kill_what_is_left(process)


@pytest.mark.slow
def test_a_killed_worker_or_web_server_is_restarted_and_the_web_answers_while_the_worker_restarts(studio):
    process, port, env, home = studio
    runstudio = psutil.Process(process.pid)
    cluster = _wait_for(lambda: _child(runstudio, "qcluster"), 30, "the worker")
    old_cluster = [cluster, *cluster.children(recursive=True)]
    cluster.kill()
    unanswered = 0
    deadline = time.monotonic() + 30
    while not ((new := _child(runstudio, "qcluster")) and new.pid != cluster.pid):
        assert time.monotonic() < deadline, "the worker was not restarted"
        unanswered += not processes.healthz_ok(port)
        time.sleep(0.2)
    assert unanswered == 0, "the web server stopped answering while the worker restarted"
    assert all(_gone(p.pid) for p in old_cluster), "the killed cluster's processes outlived it"

    web = _child(runstudio, "gunicorn")
    old_web = [web, *web.children(recursive=True)]
    web.kill()
    _wait_for(lambda: (new := _child(runstudio, "gunicorn")) and new.pid != web.pid, 30, "the web server restart")
    _wait_for(lambda: processes.healthz_ok(port), 30, "the restarted web server to answer")
    assert all(_gone(p.pid) for p in old_web)

    output = _interrupt_and_check_everything_stops(process)
    assert "The worker (pid" in output and "was killed by SIGKILL; restarting it in 0.5 s." in output
    assert "The web server (pid" in output
