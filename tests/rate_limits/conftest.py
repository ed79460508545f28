"""The real-server fixture of tests/live, for the websocket test."""

from tests.live.conftest import start_server

__all__ = ["start_server"]
