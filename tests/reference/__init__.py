"""Labour-market reference data: lookups, loaders and the refdata CLI."""
