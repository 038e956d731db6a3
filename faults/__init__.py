"""Fault scripts (issue 6 §6): crash the app server or the database under load and count.

Each script creates its own PostgreSQL cluster (never the shared one on 5432), serves the
product with gunicorn against it, and prints one JSON object per figure. See docs/reliability.md.
"""
