"""The registry of screens shown in the sidebar, in order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop_app.ui.context import AppContext


@dataclass(frozen=True)
class ViewSpec:
    """A screen: sidebar key and title, and where its widget class lives."""

    key: str
    title: str
    module: str
    cls: str

    def factory(self) -> Callable[[AppContext], QWidget]:
        """Import the view's module (lazily) and return its class."""
        module = importlib.import_module(f"desktop_app.ui.views.{self.module}")
        factory: Callable[[AppContext], QWidget] = getattr(module, self.cls)
        return factory


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("overview", "Overview", "overview.view", "OverviewView"),
    ViewSpec("compare", "Compare", "compare.view", "CompareView"),
    ViewSpec("decide", "Decide", "decide.view", "DecideView"),
    ViewSpec("costs", "Costs", "cost.view", "CostsView"),
    ViewSpec("hardware", "Hardware", "hardware.view", "HardwareView"),
    ViewSpec("models", "Models", "fit.view", "ModelsView"),
    ViewSpec("launch", "Launch", "launch.view", "LaunchView"),
    ViewSpec("sources", "Sources", "sources.view", "SourcesView"),
)
