"""POST /api/webhooks/supabase-auth/: Supabase Auth's events about users (docs/auth-webhooks.md)."""

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import IO, Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.auth_webhooks import (
    AuthHookNotConfigured,
    DeliveriesUnavailable,
    DeliveryInProgress,
    InvalidPayload,
    InvalidSignature,
    auth_delivery_receive,
)
from {{ cookiecutter.project_slug }}.platform.core.parsers import body_within
from {{ cookiecutter.project_slug }}.platform.core.schema import (
    RATE_LIMIT_UNAVAILABLE,
    THROTTLED,
    ApiError,
    ErrorResponses,
)

# Supabase Auth's events are a few hundred bytes; 20 KB leaves room for large metadata and
# refuses anything bigger before its signature costs an HMAC over it.
MAX_BODY_BYTES = 20 * 1024
SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class SignedBodyParser(BaseParser):
    """The body as received, bytes (the signature covers them exactly), within MAX_BODY_BYTES."""

    media_type = "application/json"

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:  # bytes, where DRF's stubs expect a mapping
        return body_within(stream, parser_context or {}, limit=MAX_BODY_BYTES)


class BeforeUserCreatedSerializer(serializers.Serializer[None]):
    metadata = serializers.DictField(help_text="About the request: uuid, time, name, ip_address.")
    user = serializers.DictField(help_text="The user about to be created (id, email, ...).")


class UserChangeSerializer(serializers.Serializer[None]):
    type = serializers.ChoiceField(choices=["INSERT", "UPDATE", "DELETE"])
    table = serializers.ChoiceField(choices=["users"])
    schema = serializers.ChoiceField(choices=["auth"])
    record = serializers.DictField(allow_null=True, help_text="The row after the change.")
    old_record = serializers.DictField(allow_null=True, help_text="The row before the change.")


class AcceptedSerializer(serializers.Serializer[None]):
    """An empty object: what Supabase Auth's hooks take as "go ahead"."""


def _error_documentation() -> dict[int, ErrorResponses]:
    raised = (
        InvalidSignature,
        InvalidPayload,
        DeliveryInProgress,
        AuthHookNotConfigured,
        DeliveriesUnavailable,
    )
    # Requests refused with 401 spend the client address's anonymous budget (429 once spent).
    errors = [*(ApiError.of(error) for error in raised), THROTTLED, RATE_LIMIT_UNAVAILABLE]
    by_status: dict[int, list[ApiError]] = defaultdict(list)
    for error in errors:
        by_status[error.status].append(error)
    return {status: ErrorResponses(found) for status, found in by_status.items()}


def _with_supabase_error(handler: Callable[..., Response | None]) -> Callable[..., Response | None]:
    """Errors in the API's shape, plus the `error` object Supabase Auth shows when a hook refuses
    (a refused Before User Created hook fails the sign-up with this message)."""

    def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
        response = handler(exc, context)
        if response is not None and isinstance(response.data, dict) and "detail" in response.data:
            message = response.data["detail"]
            response.data["error"] = {"http_code": response.status_code, "message": message}
        return response

    return handle


class SupabaseAuthHookApi(APIView):
    """Supabase Auth tells the project about its users: the Before User Created hook, and changes
    and deletions of `auth.users`, each signed with Standard Webhooks (webhook-id,
    webhook-timestamp, webhook-signature) using SUPABASE_AUTH_HOOK_SECRET. A new or changed user
    is created or updated locally, a deleted one deactivated (their event streams close).

    Answers `{}` once applied, and again to a delivery with a webhook-id already applied (a retry
    or a replay: nothing is applied twice). Error bodies also carry Supabase's
    `{"error": {"http_code", "message"}}`."""

    # The signature is the credential: no session, no token, no CSRF.
    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Supabase's senders share a few addresses, and a per-address limit would refuse sign-ups in
    # a burst; a forged request costs one HMAC (less than a limiter's Redis round trip) and its
    # 401 still spends the address's anonymous budget.
    throttle_classes = ()
    parser_classes = (SignedBodyParser,)

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return _with_supabase_error(super().get_exception_handler())

    @extend_schema(
        operation_id="supabase_auth_hook",
        request=PolymorphicProxySerializer(
            component_name="SupabaseAuthEvent",
            serializers=[BeforeUserCreatedSerializer, UserChangeSerializer],
            resource_type_field_name=None,
        ),
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.HEADER, required=True)
            for name in SIGNATURE_HEADERS
        ],
        responses={
            200: OpenApiResponse(AcceptedSerializer, description="Applied, or applied before."),
            **_error_documentation(),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, bytes) else b""
        headers = {name: request.headers.get(name, "") for name in SIGNATURE_HEADERS}
        auth_delivery_receive(body=body, headers=headers)
        return Response({})
