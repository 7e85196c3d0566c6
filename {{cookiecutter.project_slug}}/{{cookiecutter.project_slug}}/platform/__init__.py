"""The platform: what every product app here stands on (Redis roles, rate limiting, accounts and
Supabase Auth, jobs, real-time events, Storage, health and system checks). Keep it, change it
rarely; product apps (next to this package) use its services and announce what happened with
domain events (core/events.py), and it never imports them (`make lint`, import-linter)."""
