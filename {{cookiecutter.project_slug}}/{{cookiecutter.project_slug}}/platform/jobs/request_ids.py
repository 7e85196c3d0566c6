"""A task carries the request id of the request (or task) that enqueued it, in a message header,
so the worker's lines for that task carry the same id as the request's (docs/logging.md)."""

from typing import Any

from celery import Task

from {{ cookiecutter.project_slug }}.platform.observability.request_ids import (
    bind_request_id,
    current_request_id,
)

REQUEST_ID_TASK_HEADER = "request_id"


def add_request_id_header(*, headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """before_task_publish: in the process that enqueues."""
    request_id = current_request_id()
    if headers is not None and request_id is not None:
        headers.setdefault(REQUEST_ID_TASK_HEADER, request_id)


def bind_task_request_id(*, task: Task[Any, Any], **kwargs: Any) -> None:
    """task_prerun: in the worker's pool process, before the task runs. A task enqueued with no
    request (a periodic task, a shell) runs with none."""
    bind_request_id(getattr(task.request, REQUEST_ID_TASK_HEADER, None))


def forget_task_request_id(**kwargs: Any) -> None:
    """task_postrun: the pool process runs other tasks next."""
    bind_request_id(None)
