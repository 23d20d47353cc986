"""The ledger store: one SQLAlchemy engine over SQLite (default) or PostgreSQL."""

from infoscope.store.engine import DEFAULT_DB, Store, open_store, resolve_url

__all__ = ["DEFAULT_DB", "Store", "open_store", "resolve_url"]
