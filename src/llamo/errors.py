"""The user-facing exceptions: each names what was wrong and what is accepted.

They subclass ValueError so callers that already catch bad values keep working.
"""


class LlamoError(ValueError):
    """Base class of every error llamo raises on purpose."""


class MotionError(LlamoError):
    """A motion (array or file) that cannot become a canonical `Motion`."""


class DataError(LlamoError):
    """A dataset record or file that breaks the data format (docs/data_format.md)."""


class ConfigError(LlamoError):
    """A configuration value outside what is supported."""
