"""Seed data: realistic rows that honour every constraint, the doc's own seed rows and scripts, JSON shapes."""
