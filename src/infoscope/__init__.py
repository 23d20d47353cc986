"""infoscope: an observatory for information campaigns around armed conflicts."""

__version__ = "0.1.0"
