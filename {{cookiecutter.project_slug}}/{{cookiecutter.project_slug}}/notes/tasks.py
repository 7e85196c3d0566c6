from celery import shared_task

from {{ cookiecutter.project_slug }}.notes.services import note_summary_refresh
{%- if cookiecutter.use_realtime == "y" %}
from {{ cookiecutter.project_slug }}.realtime.channels import user_channel
from {{ cookiecutter.project_slug }}.realtime.services import realtime_publish
{%- endif %}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def note_summary_refresh_task(owner_id: int) -> dict[str, int]:
    """Idempotent, so it is acknowledged only once done and re-run if its worker dies."""
    summary = note_summary_refresh(owner_id=owner_id)
    result = {"note_count": summary.note_count, "word_count": summary.word_count}
{%- if cookiecutter.use_realtime == "y" %}
    realtime_publish(channel=user_channel(owner_id), event="notes.summary.ready", data=result)
{%- endif %}
    return result
