"""Watch together: synchronized rooms over Socket.IO and REST (state in Redis)."""
