from celery import shared_task

from {{ cookiecutter.project_slug }}.notes.summary import note_summary_refresh


@shared_task(acks_late=True, reject_on_worker_lost=True)
def note_summary_refresh_task(owner_id: int) -> dict[str, int]:
    """Idempotent, so it is acknowledged only once done and re-run if its worker dies."""
    summary = note_summary_refresh(owner_id=owner_id)
    return {"note_count": summary.note_count, "word_count": summary.word_count}
