"""The web interface: JSON API under ``/api/v1`` and the server-rendered UI."""
