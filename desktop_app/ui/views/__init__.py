"""The registry of screens shown in the sidebar, in order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from desktop_app.ui.context import AppContext


# What the main window may ask of a view. A view implements the hooks it needs; the window
# calls them through these protocols, never by getattr.
@runtime_checkable
class StopsOnClose(Protocol):
    """A view that owns engines, timers or samplers to stop when the window closes."""

    def shutdown(self) -> None:
        """Stop what the view started."""


@runtime_checkable
class FollowsPresentationMode(Protocol):
    """A view that restyles itself for presentation mode (F11)."""

    def set_presentation_mode(self, on: bool) -> None:
        """Switch presentation styling on or off."""


@runtime_checkable
class SettlesForScreenshot(Protocol):
    """A view that finishes its deferred work before `infernav screenshots` grabs it."""

    def settle_for_screenshot(self) -> None:
        """Bring the view to its final look now."""


@runtime_checkable
class OffersRun(Protocol):
    """A view whose rows can ask to run a model here (Models' "Run this model →")."""

    run_requested: SignalInstance  # (catalogue model id or GGUF path, quantization)

    def enable_run_action(self, label: str = ...) -> None:
        """Show the run button on every row that runs here."""


@runtime_checkable
class RunsModel(Protocol):
    """A view that can show a model ready to run (Launch)."""

    def run_model(self, model: str) -> str:
        """Select `model` (catalogue id, name or GGUF path); say what is shown, in words."""


@runtime_checkable
class FollowsTheme(Protocol):
    """A view that repaints colours it set itself (table cells) when the theme changes."""

    def apply_theme(self) -> None:
        """Take the current theme's colours."""


@runtime_checkable
class HasSlides(Protocol):
    """A view that presentation mode shows as slides: one comparison or chart each."""

    def slide_titles(self) -> list[str]:
        """The title of every slide, in order."""

    def show_slide(self, index: int) -> None:
        """Show only slide `index`, filling the view."""


@runtime_checkable
class NavigatesTo(Protocol):
    """A view with links to other views: `navigate` carries a view key and an argument."""

    navigate: SignalInstance


@runtime_checkable
class SelectsFramework(Protocol):
    """A view that can be opened on one framework (Overview's cards open Compare so)."""

    def focus_framework(self, framework_id: str) -> None:
        """Show this framework (first among those compared)."""


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


def import_every_view() -> int:
    """Import every view's module (and so what it imports); returns how many. Background.

    A module imported after PySide6 passes through PySide's import hook, which reads its
    source: importing a view and its services when it is first opened (huggingface_hub for
    Launch, jsonschema for Deploy…) held the GUI thread 100–300 ms. Done on a pool thread
    after start-up, opening a view only builds its widgets.
    """
    for spec in VIEWS:
        spec.factory()  # imports the module; the class itself is built on the GUI thread
    return len(VIEWS)


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("home", "Home", "home.view", "HomeView"),
    ViewSpec("overview", "Overview", "overview.view", "OverviewView"),
    ViewSpec("compare", "Compare", "compare.view", "CompareView"),
    ViewSpec("decide", "Decide", "decide.view", "DecideView"),
    ViewSpec("costs", "Costs", "cost.view", "CostsView"),
    ViewSpec("hardware", "Hardware", "hardware.view", "HardwareView"),
    ViewSpec("models", "Models", "fit.view", "ModelsView"),
    ViewSpec("launch", "Launch", "launch.view", "LaunchView"),
    ViewSpec("deploy", "Deploy", "deploy.view", "DeployView"),
    ViewSpec("bench", "Benchmark", "bench.view", "BenchView"),
    ViewSpec("sources", "Sources", "sources.view", "SourcesView"),
)
