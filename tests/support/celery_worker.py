"""A real Celery worker process for the tests that run jobs.

The worker is ``celery -A rolloutplanner worker`` in a subprocess, pointed at the test
database and at the broker the settings name (Redis in CI). Each worker consumes its own
queue so tests never pick up each other's messages. Tests that use it need ``transactional_db``
so the worker sees committed rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from rolloutplanner.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as when a container is stopped hard: no chance to clean up."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(log_dir: Path, *, extra_env: dict | None = None) -> WorkerProcess:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log_path = log_dir / f"celery-{queue}.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "rolloutplanner", "worker",
        "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--include=tests.support.job_kinds", f"--queues={queue}",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = WorkerProcess(process, queue, log_path)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log():
        if process.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            raise RuntimeError(f"Celery worker did not start:\n{worker.log()}")
        time.sleep(0.2)
    return worker


class use_queue:
    """Send tasks to ``queue`` while the block runs (the test process is the producer)."""

    def __init__(self, queue: str):
        self.queue = queue

    def __enter__(self):
        self.previous = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = self.queue
        return self

    def __exit__(self, *exc):
        celery_app.conf.task_default_queue = self.previous


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        worker = start_worker(tmp_path_factory.mktemp("celery"))
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(celery_worker_session, transactional_db):
    """A running worker whose queue receives every task this test sends."""
    with use_queue(celery_worker_session.queue):
        yield celery_worker_session


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")
