from importlib import import_module
from importlib.util import find_spec

from django.urls import URLPattern, path

from {{ cookiecutter.project_slug }}.platform.accounts.apis import CsrfApi, LoginApi, LogoutApi

# The caller's own API, a module of this package: present in a project with Supabase Auth.
ME_APIS = ".me_apis"


def me_urlpatterns() -> list[URLPattern]:
    if find_spec(ME_APIS, __package__) is None:
        return []
    me_apis = import_module(ME_APIS, __package__)
    return [path("me/", me_apis.MeApi.as_view(), name="me")]


urlpatterns = [
    path("auth/csrf/", CsrfApi.as_view(), name="auth-csrf"),
    path("auth/login/", LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
    *me_urlpatterns(),
]
