"""Sync state: what the STATE message keeps between runs, and how it is encoded."""
