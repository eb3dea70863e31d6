"""Unexpected errors leave their traceback in the rotating log file and one sentence for
the user that names it (command line and desktop app)."""

from __future__ import annotations

import argparse
import logging.handlers
import sys

import pytest

from desktop_app import app, cli, paths


def _broken_command(_args: argparse.Namespace) -> int:
    raise KeyError("catalogue row 17")


def _parser_with_a_broken_command() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="infernav")
    sub = parser.add_subparsers()
    sub.add_parser("boom").set_defaults(handler=_broken_command)
    return parser


def test_log_file_lives_in_the_user_log_folder() -> None:
    assert paths.log_file().parent == paths.user_log_dir()
    assert paths.user_log_dir().is_dir()
    target = str(app.setup_logging().resolve())
    handler = next(
        h
        for h in logging.getLogger("desktop_app").handlers
        if getattr(h, "baseFilename", None) == target
    )
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 3)


def test_setting_up_twice_keeps_one_file_handler() -> None:
    app.setup_logging()
    app.setup_logging()
    ours = [h for h in logging.getLogger("desktop_app").handlers if getattr(h, "_infernav", 0)]
    assert len(ours) == 1


def test_cli_crash_is_one_sentence_and_the_traceback_is_in_the_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "build_parser", _parser_with_a_broken_command)
    assert app.main(["boom"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(paths.log_file()) in err
    logged = paths.log_file().read_text(encoding="utf-8")
    assert "Traceback" in logged and "_broken_command" in logged
    assert "catalogue row 17" in logged


def test_gui_excepthook_logs_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PySide6")
    from desktop_app.ui import app as ui_app

    app.setup_logging()
    monkeypatch.setattr(ui_app, "_errors", [])
    try:
        raise RuntimeError("a slot broke")
    except RuntimeError:
        ui_app._excepthook(*sys.exc_info())  # type: ignore[arg-type]
    logged = paths.log_file().read_text(encoding="utf-8")
    assert "a slot broke" in logged and "test_gui_excepthook_logs_the_traceback" in logged
    assert not (paths.user_data_dir() / "errors.log").exists()
