"""Users as viewers: profile and preferences, favorites (history lives with playback)."""
