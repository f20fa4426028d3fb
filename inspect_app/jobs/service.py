"""Jobs: create, run, report, cancel, recover. The view/API/worker commits; these flush.

State lives in the `jobs` table; the live progress and the worker's heartbeat live in the
queue's own key-value store (Redis or huey's SQLite file), so that a running import can
report progress without touching the database transaction that holds its rows.

The worker's last step marks the job `done` in the same transaction as the work itself,
and only while it is still `running`: a job is done exactly when its rows are written, a
cancelled job writes nothing, and a retry of a job that was already committed does nothing.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update

from inspect_app.extensions import db
from inspect_app.jobs.kinds import HANDLERS, JobContext, JobFailed
from inspect_app.jobs.queue import huey_of
from inspect_app.models import Job, JobStatus, User
from inspect_app.models.base import utcnow
from inspect_app.services import progress

log = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a running job whose owner cancelled it."""


def job_folder(job: Job) -> Path:
    return Path(current_app.config["JOB_DIR"]) / job.key


def _key(job_key: str, what: str) -> str:
    return f"job:{job_key}:{what}"


def create_job(kind: str, owner: User, params: dict, upload: bytes | None = None) -> Job:
    """A queued job; the upload (for an import) is kept in the job's folder. Flush only."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(key=uuid.uuid4().hex, kind=kind, owner=owner, params=params)
    db.session.add(job)
    db.session.flush()
    if upload is not None:
        folder = job_folder(job)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "input.xlsx").write_bytes(upload)
    return job


def enqueue(job: Job) -> None:
    """Put a committed job on the queue."""
    current_app.extensions["job_task"](job.id)


def visible_job(key: str, user) -> Job | None:
    """The job with this key when `user` owns it or is an admin."""
    job = db.session.scalar(select(Job).where(Job.key == key))
    if job is None or not user.is_authenticated:
        return None
    if job.owner_id != user.id and not user.is_admin:
        return None
    return job


def live_progress(job: Job) -> dict:
    huey = huey_of(current_app)
    return huey.get(_key(job.key, "progress"), peek=True) or {}


def job_view(job: Job) -> dict:
    """The JSON shape of GET /api/v1/jobs/<id> (DESIGN 5.8)."""
    done, total, stage = job.done, job.total, ""
    if job.status is JobStatus.RUNNING:
        live = live_progress(job)
        done, total, stage = live.get("done", done), live.get("total", total), live.get("stage", "")
    if job.status is JobStatus.DONE:
        percent = 100
    elif total:
        percent = max(0, min(99, done * 100 // total))
    else:
        percent = 0
    started = job.started_at
    finished = job.finished_at
    elapsed = None
    if started is not None:
        end = finished or utcnow()
        elapsed = round((_aware(end) - _aware(started)).total_seconds(), 1)
    return {
        "id": job.key,
        "kind": job.kind.split(":", 1)[-1],
        "status": job.status.value,
        "progress": percent,
        "done": done,
        "total": total,
        "stage": stage,
        "errors": list(job.errors or []),
        "summary": job.summary,
        "elapsed_s": elapsed,
        "url": url_for("api.get_job", key=job.key),
        "page": url_for("jobs.show", key=job.key),
        "link": (job.params or {}).get("link"),
        "result": url_for("api.job_result", key=job.key)
        if job.status is JobStatus.DONE and job.result_file
        else None,
    }


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def result_path(job: Job) -> Path | None:
    if job.status is not JobStatus.DONE or not job.result_file:
        return None
    path = job_folder(job) / job.result_file
    return path if path.is_file() else None


def cancel_job(job: Job) -> bool:
    """Cancel a queued or running job (flush); False when it has already finished."""
    changed = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
        .values(status=JobStatus.CANCELLED, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        huey_of(current_app).put(_key(job.key, "cancel"), True)
    db.session.refresh(job)
    return bool(changed)


# -- the worker side --------------------------------------------------------------------------


class _Reporter:
    """The progress listener of one running job: throttled writes to the queue's store."""

    def __init__(self, huey, job_key: str):
        self.huey = huey
        self.job_key = job_key
        self.base = 0
        self.last = (None, 0)
        self.total = 0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.huey.get(_key(self.job_key, "cancel"), peek=True):
            raise JobCancelled()
        # Several streams of one stage (an export's sheets) add up.
        last_stage, last_done = self.last
        if stage == last_stage and done < last_done:
            self.base += last_done
        self.last = (stage, done)
        if total is not None and (stage != "write" or total > self.total):
            self.total = total
        shown = self.base + done if stage == "write" else done
        self.huey.put(
            _key(self.job_key, "progress"),
            {"stage": stage, "done": shown, "total": max(self.total, shown), "at": time.time()},
        )


class _Heartbeat(threading.Thread):
    """Beats every few seconds while the job runs; a killed worker stops beating."""

    def __init__(self, huey, job_key: str, every: float):
        super().__init__(daemon=True, name=f"job-heartbeat-{job_key}")
        self.huey, self.job_key, self.every = huey, job_key, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.huey.put(_key(self.job_key, "beat"), time.time())
            except Exception:  # a store hiccup must not kill the job
                log.warning("heartbeat of job %s not stored", self.job_key, exc_info=True)
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 1)


def _claim(job_id: int) -> Job | None:
    """Mark a queued job running (committed); None when it is not queued any more."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


def _finish(job: Job, status: JobStatus, **values) -> bool:
    """Set the final status while the job is still running (flush); False when cancelled."""
    return bool(
        db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == JobStatus.RUNNING)
            .values(status=status, finished_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def run_job(job_id: int) -> None:
    """Run a queued job to its end; commits. The body of the queue's task."""
    job = _claim(job_id)
    if job is None:
        return
    huey = huey_of(current_app)
    reporter = _Reporter(huey, job.key)
    heartbeat = _Heartbeat(huey, job.key, current_app.config.get("JOB_HEARTBEAT_SECONDS", 5))
    heartbeat.start()
    context = JobContext(folder=job_folder(job), owner=db.session.get(User, job.owner_id))
    try:
        with progress.reporting(reporter):
            outcome = HANDLERS[job.kind](job, context)
        params = dict(job.params or {})
        if context.extra.get("link"):
            params["link"] = context.extra["link"]
        live = reporter.total or reporter.base + reporter.last[1]
        result_file, result_name = outcome.result or (None, None)
        if _finish(
            job,
            JobStatus.DONE,
            summary=outcome.summary[:500],
            result_file=result_file,
            result_name=result_name,
            done=live,
            total=live,
            params=params,
        ):
            db.session.commit()
        else:
            db.session.rollback()
    except JobCancelled:
        db.session.rollback()
    except JobFailed as exc:
        db.session.rollback()
        _finish(job, JobStatus.FAILED, errors=exc.errors)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed", job.key, job.kind)
        _finish(job, JobStatus.FAILED, errors=[_("Lỗi hệ thống khi xử lý; chưa ghi gì.")])
        db.session.commit()
    finally:
        heartbeat.stop()
        huey.delete(_key(job.key, "progress"))
        huey.delete(_key(job.key, "beat"))


def recover_stale_jobs() -> list[str]:
    """Running jobs whose worker stopped beating: queue them again, or fail them after
    JOB_MAX_ATTEMPTS. Commits. Returns the keys it touched."""
    config = current_app.config
    stale_after = config["JOB_STALE_SECONDS"]
    huey = huey_of(current_app)
    now = time.time()
    touched = []
    for job in db.session.scalars(select(Job).where(Job.status == JobStatus.RUNNING)):
        beat = huey.get(_key(job.key, "beat"), peek=True)
        started = _aware(job.started_at).timestamp() if job.started_at else 0
        if max(beat or 0, started) > now - stale_after:
            continue
        if job.attempts < config["JOB_MAX_ATTEMPTS"]:
            values = {"status": JobStatus.QUEUED}
        else:
            values = {
                "status": JobStatus.FAILED,
                "finished_at": utcnow(),
                "errors": [_("Tiến trình xử lý bị dừng giữa chừng nhiều lần; chưa ghi gì.")],
            }
        changed = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == JobStatus.RUNNING)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if changed:
            touched.append(job.key)
            log.warning("job %s: worker stopped; %s", job.key, values["status"].value)
            if values["status"] is JobStatus.QUEUED:
                enqueue(job)
    return touched


def purge_expired_jobs() -> int:
    """Drop finished jobs (and their files) older than JOB_KEEP_DAYS; flush only."""
    cutoff = utcnow() - timedelta(days=current_app.config["JOB_KEEP_DAYS"])
    old = db.session.scalars(
        select(Job).where(
            Job.status.in_([JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED]),
            Job.created_at < cutoff,
        )
    ).all()
    for job in old:
        shutil.rmtree(job_folder(job), ignore_errors=True)
        db.session.delete(job)
    db.session.flush()
    return len(old)
