"""Per-owner cached reads for any app: list pages and detail reads kept as the JSON the API sends,
dropped all at once by a write (owner_cache.py). An app declares one `OwnerCache` and calls it
from its selectors and services; nothing here knows the apps that use it."""
