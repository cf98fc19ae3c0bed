"""Celery tasks by domain; each task is a thin call into its domain's service."""
