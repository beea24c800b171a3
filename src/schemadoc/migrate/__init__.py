"""Migrations: compare the doc with a live database, plan typed operations, apply them under a lock with a history."""
