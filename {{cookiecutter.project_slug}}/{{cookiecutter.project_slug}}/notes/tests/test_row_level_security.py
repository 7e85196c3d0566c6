"""The notes' row-level security policies (notes/migrations/0003_note_row_level_security.py),
applied to the test database: under the caller's claims another user's notes stay out of reach
even when a selector forgets the owner, also behind a transaction pooler (a real PgBouncer)."""

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
{%- if cookiecutter.use_celery == "y" %}
from django.http import Http404
{%- endif %}
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.notes import {% if cookiecutter.use_celery == "y" %}apis, {% endif %}selectors
from {{ cookiecutter.project_slug }}.notes.models import Note{% if cookiecutter.use_celery == "y" %}, NoteSummary{% endif %}
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.supabase_tokens import VerifiedToken
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.testing.migration_sql import migration_sql_run
from {{ cookiecutter.project_slug }}.testing.pgbouncer import OwnPgBouncer
from {{ cookiecutter.project_slug }}.testing.redis_commands import redis_commands_sent
from {{ cookiecutter.project_slug }}.testing.supabase_auth_fixtures import claims, sign

pytestmark = pytest.mark.django_db

NOTES_URL = "/api/notes/"
# Not a page the per-user cache keeps: every request reads Postgres.
UNCACHED_PAGE = {"page_size": 7}
ROW_LEVEL_SECURITY = ("notes", "0003_note_row_level_security")


@pytest.fixture
def notes_row_level_security(supabase_database: None, db: None) -> Iterator[None]:
    migration_sql_run(*ROW_LEVEL_SECURITY)
    yield
    if not connection.in_atomic_block:  # else the test's transaction rolls the policies back
        migration_sql_run(*ROW_LEVEL_SECURITY, backwards=True)


@pytest.fixture
def forgetful_selector(monkeypatch: pytest.MonkeyPatch) -> None:
    """note_list without its owner filter: the mistake the policies are there to survive."""

    def every_note(*, owner: User) -> Any:
        return Note.objects.order_by("-created_at", "-id")

    monkeypatch.setattr(selectors, "note_list", every_note)


def supabase_user() -> User:
    return UserFactory.create(supabase_id=uuid.uuid4())


def bearer_client(user: User, **claims: Any) -> APIClient:
    """A client whose requests carry a verified token of `user` (request.auth)."""
    token_claims = {"sub": str(user.supabase_id), "role": "authenticated", **claims}
    token: Any = VerifiedToken(raw="token", claims=token_claims)  # the stubs expect DRF's Token
    client = APIClient()
    client.force_authenticate(user=user, token=token)
    return client


def session_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def listed_ids(client: APIClient) -> set[int]:
    response = client.get(NOTES_URL, UNCACHED_PAGE)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.mark.usefixtures("notes_row_level_security", "forgetful_selector")
def test_a_forgotten_owner_filter_still_shows_only_the_callers_notes() -> None:
    ada, bob = supabase_user(), supabase_user()
    adas = NoteFactory.create_batch(2, owner=ada)
    NoteFactory.create_batch(2, owner=bob)

    assert listed_ids(bearer_client(ada)) == {note.pk for note in adas}


@pytest.mark.usefixtures("supabase_database", "forgetful_selector")
def test_without_the_policies_the_forgotten_filter_leaks() -> None:
    # The control: under the same claims, without the policies, everyone's notes come back.
    ada, bob = supabase_user(), supabase_user()
    NoteFactory.create(owner=ada)
    NoteFactory.create(owner=bob)

    assert len(listed_ids(bearer_client(ada))) == 2


@pytest.mark.usefixtures("notes_row_level_security", "forgetful_selector")
def test_a_session_user_with_a_supabase_id_gets_the_same_protection() -> None:
    ada, bob = supabase_user(), supabase_user()
    adas = NoteFactory.create(owner=ada)
    NoteFactory.create(owner=bob)

    assert listed_ids(session_client(ada)) == {adas.pk}


@pytest.mark.django_db(transaction=True)  # at the top level, as a request runs
def test_a_cached_bearer_read_sends_three_redis_commands_and_nothing_to_postgres(
    supabase: HTTPServer,
) -> None:
    # The token's user comes from its copy, then the rate limit and the page with its version;
    # the claims' transaction starts at the first query, so the read opens no connection (no
    # health check, BEGIN or claims either).
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {sign(claims(supabase))}")
    first = client.get(NOTES_URL)
    connection.close()

    with redis_commands_sent() as sent:
        second = client.get(NOTES_URL)

    assert second.status_code == 200
    assert second.json() == first.json()
    assert sent == ["GET", "EVALSHA", "MGET"]
    assert connection.connection is None


@pytest.mark.usefixtures("notes_row_level_security")
def test_another_users_note_cannot_be_changed_under_the_policies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ada, bob = supabase_user(), supabase_user()
    bobs = NoteFactory.create(owner=bob, title="Bob's")
    monkeypatch.setattr(
        selectors, "note_list", lambda *, owner: Note.objects.order_by("-created_at", "-id")
    )

    response = bearer_client(ada).patch(f"{NOTES_URL}{bobs.pk}/", {"title": "Ada's now"})

    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.title == "Bob's"


@pytest.mark.usefixtures("notes_row_level_security")
def test_notes_are_created_under_the_policies() -> None:
    ada = supabase_user()

    response = bearer_client(ada).post(NOTES_URL, {"title": "Mine"}, format="json")

    assert response.status_code == 201, response.content
    assert Note.objects.get(pk=response.json()["id"]).owner == ada


@pytest.mark.usefixtures("notes_row_level_security")
def test_a_service_role_token_is_refused() -> None:
    ada = supabase_user()

    response = bearer_client(ada, role="service_role").get(NOTES_URL)

    assert response.status_code == 403
    assert response.json()["code"] == "service_role_refused"


@contextmanager
def through_pooler(pooler: OwnPgBouncer) -> Iterator[None]:
    """Django's database connections go through `pooler` inside the block."""
    database = connection.settings_dict
    saved = dict(database)
    connection.close()
    database.update(pooler.database_settings())
    try:
        yield
    finally:
        connection.close()
        database.clear()
        database.update(saved)


Caller = tuple[Callable[[], APIClient], set[int]]


def alternate_requests(callers: list[Caller], count: int) -> list[str]:
    """`count` requests, alternating between the callers (each with a client of this thread's
    own); what any of them saw that it should not have."""
    clients = [(new_client(), expected) for new_client, expected in callers]
    wrong = []
    try:
        for index in range(count):
            client, expected = clients[index % len(clients)]
            seen = listed_ids(client)
            if seen != expected:
                wrong.append(f"request {index}: {sorted(seen)} instead of {sorted(expected)}")
    finally:
        connection.close()  # this thread's connection to the pooler
    return wrong


def pooled_leftovers(pooler: OwnPgBouncer) -> list[tuple[Any, ...]]:
    """What each of the pool's server connections has outside any claims context: two clients
    in a transaction at once hold both."""
    with pooler.clients(2, prepare_threshold=None) as clients:
        return [
            tuple(
                client.execute(
                    "SELECT current_setting('request.jwt.claims', true), current_user, "
                    "pg_backend_pid()"
                ).fetchone()
                or ()
            )
            for client in clients
        ]


@pytest.mark.system
@pytest.mark.django_db(transaction=True)  # requests commit, as they do behind a real pooler
@pytest.mark.usefixtures("notes_row_level_security", "forgetful_selector")
def test_a_thousand_alternating_requests_through_the_transaction_pooler(
    pgbouncer: OwnPgBouncer,
) -> None:
    ada, bob = supabase_user(), supabase_user()
    adas = {note.pk for note in NoteFactory.create_batch(2, owner=ada)}
    bobs = {note.pk for note in NoteFactory.create_batch(2, owner=bob)}
    callers: list[Caller] = [
        (lambda: bearer_client(ada), adas),
        (lambda: session_client(bob), bobs),
    ]
    wrong: list[str] = []

    with through_pooler(pgbouncer):
        # Two threads, two client connections, 2 server connections: a server connection
        # serves ada's transaction, then bob's, across both clients.
        threads = [
            threading.Thread(target=lambda: wrong.extend(alternate_requests(callers, 500)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        leftovers = pooled_leftovers(pgbouncer)

    assert wrong == []
    assert len({pid for _, _, pid in leftovers}) == 2  # both server connections
    assert [(claims or None, role) for claims, role, _ in leftovers] == [
        (None, connection.settings_dict["USER"])
    ] * 2
{%- if cookiecutter.use_celery == "y" %}


SUMMARY_URL = "/api/notes/summary/"
SUMMARY_ROW_LEVEL_SECURITY = ("notes", "0004_notesummary_row_level_security")


@pytest.fixture
def summaries_row_level_security(notes_row_level_security: None) -> Iterator[None]:
    migration_sql_run(*SUMMARY_ROW_LEVEL_SECURITY)
    yield
    if not connection.in_atomic_block:
        migration_sql_run(*SUMMARY_ROW_LEVEL_SECURITY, backwards=True)


@pytest.fixture
def forgetful_summary_selector(monkeypatch: pytest.MonkeyPatch) -> None:
    """note_summary_get without its owner filter: any user's totals."""

    def any_summary(*, owner: User) -> NoteSummary:
        summary = NoteSummary.objects.first()
        if summary is None:
            raise Http404("No summary yet.")
        return summary

    monkeypatch.setattr(apis, "note_summary_get", any_summary)


@pytest.mark.usefixtures("summaries_row_level_security", "forgetful_summary_selector")
def test_a_forgotten_owner_filter_hides_another_users_summary() -> None:
    ada, bob = supabase_user(), supabase_user()
    NoteSummary.objects.create(owner=bob, note_count=3, word_count=30)

    assert bearer_client(ada).get(SUMMARY_URL).status_code == 404


@pytest.mark.usefixtures("notes_row_level_security", "forgetful_summary_selector")
def test_without_the_summary_policy_the_forgotten_filter_leaks() -> None:
    # The control: the notes' policy alone does not cover the totals.
    ada, bob = supabase_user(), supabase_user()
    NoteSummary.objects.create(owner=bob, note_count=3, word_count=30)

    response = bearer_client(ada).get(SUMMARY_URL)

    assert response.status_code == 200
    assert response.json()["word_count"] == 30


@pytest.mark.usefixtures("summaries_row_level_security")
def test_the_owner_reads_its_own_summary_under_the_policy() -> None:
    ada = supabase_user()
    NoteSummary.objects.create(owner=ada, note_count=1, word_count=2)

    response = bearer_client(ada).get(SUMMARY_URL)

    assert response.status_code == 200
    assert response.json()["note_count"] == 1
{%- endif %}
