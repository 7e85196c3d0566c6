"""A test-only app the platform's own tests drive instead of a product app (the example may be
deleted, or was never generated): an authenticated API that reads through the cache and writes
to Postgres, a public view, domain events and, in a project with background jobs, a job.

Installed by config/settings/test.py only."""
