"""Shared code that uses the extensions: breakers, metrics, outbound HTTP, Celery, socket plumbing."""
