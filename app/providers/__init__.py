"""Streaming providers: embed URLs and iframes, health, caching."""
