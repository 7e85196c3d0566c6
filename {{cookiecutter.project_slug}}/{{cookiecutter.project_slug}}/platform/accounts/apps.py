from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.accounts"

    def ready(self) -> None:
        from django.conf import settings

        from {{ cookiecutter.project_slug }}.platform.accounts.models import User
        from {{ cookiecutter.project_slug }}.platform.accounts.user_copies import (
            forget_changed_user,
        )
        from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
            register_redis_role,
            register_same_slot_keys,
        )

        # A changed or deleted user is read afresh by the next request (user_copies.py).
        post_save.connect(forget_changed_user, sender=User, dispatch_uid="forget-user-copies")
        post_delete.connect(forget_changed_user, sender=User, dispatch_uid="forget-user-copies")
        if "sessions" in settings.CACHES:  # sessions on a Redis of their own
            register_redis_role("sessions", cache_alias="sessions")
        engine = import_module(settings.SESSION_ENGINE)
        if hasattr(engine, "session_and_copy_keys"):  # the project's store: one MGET for both
            register_same_slot_keys("The session and its user copy", engine.session_and_copy_keys)
        # Register their checks; the modules exist only with Supabase Auth.
        for module in ("dev_token_key", "auth_webhooks"):
            if find_spec(f"{self.name}.{module}"):
                import_module(f"{self.name}.{module}")
