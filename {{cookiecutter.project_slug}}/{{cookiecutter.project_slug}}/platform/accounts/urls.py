from importlib import import_module
from importlib.util import find_spec

from django.urls import URLPattern, path

from {{ cookiecutter.project_slug }}.platform.accounts.apis import CsrfApi, LoginApi, LogoutApi

# Modules of this package present in a project with Supabase Auth: the caller's own API, and the
# endpoint Supabase Auth sends its events about users to.
ME_APIS = ".me_apis"
AUTH_WEBHOOK_APIS = ".auth_webhook_apis"


def me_urlpatterns() -> list[URLPattern]:
    if find_spec(ME_APIS, __package__) is None:
        return []
    me_apis = import_module(ME_APIS, __package__)
    return [path("me/", me_apis.MeApi.as_view(), name="me")]


def auth_hook_urlpatterns() -> list[URLPattern]:
    if find_spec(AUTH_WEBHOOK_APIS, __package__) is None:
        return []
    apis = import_module(AUTH_WEBHOOK_APIS, __package__)
    hook = apis.SupabaseAuthHookApi.as_view()
    return [path("webhooks/supabase-auth/", hook, name="supabase-auth-hook")]


urlpatterns = [
    path("auth/csrf/", CsrfApi.as_view(), name="auth-csrf"),
    path("auth/login/", LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
    *me_urlpatterns(),
    *auth_hook_urlpatterns(),
]
