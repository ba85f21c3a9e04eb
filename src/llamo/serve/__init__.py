"""`llamo serve`: an HTTP service (JSON API + a web page) around one Assistant."""

from .app import ServeConfig, create_app, run_server

__all__ = ["ServeConfig", "create_app", "run_server"]
