from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RealtimeConfig(AppConfig):
    """Events for browsers: Redis pub/sub fanned out over Server-Sent Events."""

    name = "{{ cookiecutter.project_slug }}.platform.realtime"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.accounts.models import User
        from {{ cookiecutter.project_slug }}.platform.accounts.signals import user_deactivated
        from {{ cookiecutter.project_slug }}.platform.core.events import on_domain_event
        from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
            register_redis_role,
            register_same_slot_keys,
        )
        from {{ cookiecutter.project_slug }}.platform.realtime import checks  # noqa: F401  (registers the checks)
        from {{ cookiecutter.project_slug }}.platform.realtime.grants import (
            forget_changed_credentials,
        )
        from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
            publish_sample_names,
            renewal_sample_keys,
        )
        from {{ cookiecutter.project_slug }}.platform.realtime.services import (
            realtime_forward,
            streams_close_for_deactivated,
        )

        # Event publishing and replay streams (and the hub's one asyncio subscriber), on the
        # Redis Cluster when there is one (sharded pub/sub, core/redis_channels.py).
        register_redis_role("realtime", url_setting="REDIS_REALTIME_URL", on_cluster=True)
        register_same_slot_keys("The publish script's replay log and channel", publish_sample_names)
        register_same_slot_keys("The connection lease renewal's user keys", renewal_sample_keys)
        # Every domain event reaches its owner's browsers: products announce, never publish.
        on_domain_event("*", realtime_forward)
        # A changed or deleted user's open streams check their grant afresh (grants.py).
        uid = "realtime-forget-credentials"
        post_save.connect(forget_changed_credentials, sender=User, dispatch_uid=uid)
        post_delete.connect(forget_changed_credentials, sender=User, dispatch_uid=uid)
        # A deactivated user's open streams close now, not at their next renewal.
        user_deactivated.connect(streams_close_for_deactivated, dispatch_uid="realtime-close")
