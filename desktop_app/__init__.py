"""Inference Navigator: choose an LLM inference framework and try one locally."""

__version__ = "0.1.0"
APP_NAME = "Inference Navigator"
APP_ID = "org.infernav.InferenceNavigator"
