"""The Deploy view as a user sees it: files shown only when valid, field messages, saving."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop_app.ui import theme

pytestmark = pytest.mark.gui


def _deploy(window):  # type: ignore[no-untyped-def]
    view = window.show_view("deploy")
    view.regenerate_now()
    return view


def test_default_files_are_valid_and_bound_to_localhost(window) -> None:  # type: ignore[no-untyped-def]
    view = _deploy(window)
    compose = view.pages["compose"]
    assert compose.status.text().startswith("✓ Valid: JSON Schema: compose-spec/compose-spec@")
    doc = yaml.safe_load(compose.text.toPlainText())
    assert doc["services"]["vllm"]["ports"][0].startswith("127.0.0.1:")
    assert "values.yaml" in view.pages["production-stack"].purpose.text()
    assert view.save_button.isEnabled()
    assert "Fit on the box" in view.summary.text()


def test_copy_gives_the_quoted_command(window) -> None:  # type: ignore[no-untyped-def]
    view = _deploy(window)
    page = view.pages["docker"]
    page.copy_button.click()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("docker run --detach") and "\\\n" not in text
    assert page.copied.text() == "Copied."


def test_kubernetes_values_follow_gpus_load_and_router(window) -> None:  # type: ignore[no-untyped-def]
    view = _deploy(window)
    view.gpu_type.setCurrentIndex(view.gpu_type.findData("L40S"))
    view.gpus.setValue(2)
    view.target_rps.setText("500")
    view.router.setCurrentIndex(view.router.findData("prefixaware"))
    view.regenerate_now()
    values = yaml.safe_load(view.pages["production-stack"].text.toPlainText())
    spec = values["servingEngineSpec"]["modelSpec"][0]
    assert spec["replicaCount"] == 5 and spec["requestGPU"] == 2  # ceil(500 / 120)
    assert values["routerSpec"]["routingLogic"] == "prefixaware"
    assert "Prefix-aware routing" in view.router_note.text()
    assert "5 replicas = ceil(500 requests/s" in view.summary.text()


def shown_colour(widget: QWidget) -> str:
    """The text colour the widget is drawn with now (style sheet roles included)."""
    widget.ensurePolished()
    return widget.palette().color(widget.foregroundRole()).name()


def test_absurd_input_gets_a_field_message_and_loses_nothing(window) -> None:  # type: ignore[no-untyped-def]
    view = _deploy(window)
    before = view.pages["compose"].text.toPlainText()
    view.gpus.setValue(3)  # Llama 3.1 8B has 32 heads
    view.regenerate_now()
    assert view.error_label.isVisible() or not view.error_label.isHidden()
    assert view.error_label.text().startswith(
        "GPUs: Llama-3.1-8B(-Instruct) has 32 attention heads"
    )
    label = view._forms[0].labelForField(view.gpus)
    assert shown_colour(label) == theme.current().error_fg.lower()  # the GPUs label turns red
    assert not view.save_button.isEnabled()
    assert view.pages["compose"].text.toPlainText() == before  # greyed, not lost
    assert not view.pages["compose"].text.isEnabled()
    view.gpus.setValue(4)
    view.regenerate_now()
    assert view.error_label.isHidden() and view.save_button.isEnabled()
    assert shown_colour(label) != theme.current().error_fg.lower()
    view.share.setText("lots")
    view.regenerate_now()
    assert view.error_label.text() == "GPU memory share: “lots” is not a number."
    assert view.share.property("role") == "error" and view.share.text() == "lots"


def test_non_vllm_engine_explains_the_kubernetes_tab(window) -> None:  # type: ignore[no-untyped-def]
    view = _deploy(window)
    view.engine.setCurrentIndex(view.engine.findData("tgi"))
    view.regenerate_now()
    assert "archived" in view.engine_note.text()
    assert "serves vLLM only" in view.pages["production-stack"].status.text()
    assert not view.pages["production-stack"].copy_button.isEnabled()
    assert "WARNING: Hugging Face TGI is archived" in view.pages["compose"].text.toPlainText()


def test_save_writes_only_validated_files(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = _deploy(window)
    out = tmp_path / "gpu-box"
    view.save_to(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "compose.yaml",
        "docker-run.sh",
        "helm-install.sh",
        "llminferenceservice.yaml",
        "values.yaml",
    ]
    assert view.save_status.text().startswith(f"Saved 5 files in {out}")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    view.save_to(blocker / "sub")
    assert view.save_status.text().startswith("Cannot create")
    assert "Traceback" not in view.save_status.text()
