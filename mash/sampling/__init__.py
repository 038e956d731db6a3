"""Dip sampling (issue 8 §3, DM-2): random, reproducible samples of closed contacts, audited
against a checklist."""
