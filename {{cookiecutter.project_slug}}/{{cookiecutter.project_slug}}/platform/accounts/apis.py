from django.contrib.auth import logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.login import (
    InvalidCredentials,
    known_device_remember,
    session_login,
)
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.schema import error_responses
from {{ cookiecutter.project_slug }}.platform.core.serializers import (
    InputSerializer,
    StrictCharField,
)


class UserOutputSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "username", "email")


class CsrfOutputSerializer(serializers.Serializer[None]):
    csrf_token = serializers.CharField()


class CsrfApi(APIView):
    """The CSRF token, in the body and as the `csrftoken` cookie: a front end on another origin
    cannot read this origin's cookies, and sends the token back in X-CSRFToken on each write."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(responses=CsrfOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request._request)})


class LoginInputSerializer(InputSerializer[None]):
    username = StrictCharField()
    # As typed: spaces are part of a password (Django's own login form keeps them too).
    password = StrictCharField(style={"input_type": "password"}, trim_whitespace=False)


class LoginApi(APIView):
    """Starts a session (cookie) for the browsable API, the admin and same-site front ends."""

    # Anonymous by definition; JSON-only parsing keeps cross-site forms from posting here.
    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Password guessing is what rate limits are for: the strict "auth" rate per client address,
    # and budgets per account that only wrong passwords spend (accounts/login.py).
    throttle_scope = "auth"

    @extend_schema(
        request=LoginInputSerializer,
        responses={200: UserOutputSerializer, **error_responses(InvalidCredentials)},
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = session_login(request=request._request, **data.validated_data)
        response = Response(UserOutputSerializer(user).data)
        known_device_remember(request=request._request, response=response, user=user)
        return response


class LogoutApi(APIView):
    throttle_scope = "auth"

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
