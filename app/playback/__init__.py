"""Playback sessions, the Redis progress buffer, watch history, resume rules and analytics."""
