"""The live server fixture of tests/live, for the real ``mlflow`` client's tests."""

from tests.live.conftest import live_server

__all__ = ["live_server"]
