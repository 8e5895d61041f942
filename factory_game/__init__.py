"""River Factory: a management game and a deterministic simulator of River, a platform that resells AI generation."""

__version__ = "0.1.0"
