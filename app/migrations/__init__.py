"""Alembic migrations for the portfolio database."""
