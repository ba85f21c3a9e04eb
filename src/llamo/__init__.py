"""llamo: ask an LLM about human motion, with motion kept continuous (LLaMo, CVPR 2025)."""

from .errors import ConfigError, DataError, LlamoError, MotionError
from .motion import Motion, load_motion, save_motion

__version__ = "0.1.0"
__all__ = ["ConfigError", "DataError", "LlamoError", "Motion", "MotionError", "load_motion", "save_motion"]
