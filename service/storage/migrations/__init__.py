"""Alembic migrations of the template store (run by ``service.storage.db``)."""
