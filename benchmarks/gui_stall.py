"""GUI responsiveness: the longest event-loop stall while a user opens EVERY view and does
its main actions, then starts an engine in Launch, runs a trial and stops it.

A watchdog QTimer ticks every 5 ms on the GUI thread; a stall is the extra time between
ticks (so it includes building a view, which runs on the GUI thread). Each view of
ui/views VIEWS is opened from the sidebar, then every tab of its tab widgets is shown and
every choice of its drop-downs is picked (up to --choices per drop-down, then put back),
and each view's own buttons that do not open a dialog are clicked. After every step the
loop runs until the background jobs are done. Target: ≤ 50 ms for every step.

    .venv/bin/python benchmarks/gui_stall.py [--server PATH] [--model FILE.gguf]
        [--tokens 128] [--choices 4] [--no-engine]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QTabWidget, QWidget

TICK_MS = 5
TARGET_MS = 50
# Buttons (by their text) that act inside the view; others open file dialogs or leave it.
SAFE_BUTTONS = ("Detect again", "Copy JSON", "Copy Markdown", "Copy", "Rescan", "Refresh")


class Watchdog:
    """Records the gaps between ticks of a 5 ms timer on the GUI thread, per phase."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_tick)
        self.last = 0
        self.worst: dict[str, float] = {}
        self.worst_step: dict[str, str] = {}
        self.phase = "idle"
        self.step = ""

    def start(self) -> None:
        """Begin watching."""
        self.clock.start()
        self.last = self.clock.elapsed()
        self.timer.start()

    def _on_tick(self) -> None:
        now = self.clock.elapsed()
        stall = float(max(now - self.last - TICK_MS, 0))
        if stall > self.worst.get(self.phase, -1.0):
            self.worst[self.phase] = stall
            self.worst_step[self.phase] = self.step
        self.last = now


def wait_until(app: QApplication, cond: Callable[[], bool], timeout_s: float) -> bool:
    """Run the event loop until `cond()` (or the timeout)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    return cond()


def settle(app: QApplication, window: QWidget, extra_s: float = 0.15) -> None:
    """Let the step finish: background jobs done, then a little more loop time."""
    runner = window.runner  # type: ignore[attr-defined]
    wait_until(app, lambda: runner.pending() == 0, 30)
    wait_until(app, lambda: False, extra_s)


def view_actions(view: QWidget, choices: int) -> list[tuple[str, Callable[[], None]]]:
    """The main actions a user has in a view: its tabs, drop-downs and in-view buttons."""
    actions: list[tuple[str, Callable[[], None]]] = []
    for tabs in view.findChildren(QTabWidget):
        for i in range(tabs.count()):
            actions.append((f"tab {tabs.tabText(i)!r}", lambda t=tabs, i=i: t.setCurrentIndex(i)))
        actions.append(("first tab again", lambda t=tabs: t.setCurrentIndex(0)))
    for combo in view.findChildren(QComboBox):
        if not combo.isEnabled() or combo.count() < 2:
            continue
        name = combo.objectName() or combo.currentText()[:20] or "drop-down"
        first = combo.currentIndex()
        picks = [i for i in range(combo.count()) if i != first][:choices]
        for i in picks:
            actions.append(
                (f"{name}: {combo.itemText(i)[:30]!r}", lambda c=combo, i=i: c.setCurrentIndex(i))
            )
        actions.append((f"{name}: back", lambda c=combo, i=first: c.setCurrentIndex(i)))
    for button in view.findChildren(QPushButton):
        if button.text() in SAFE_BUTTONS and button.isEnabled() and button.isVisibleTo(view):
            actions.append((f"button {button.text()!r}", button.click))
    return actions


def main() -> int:
    """Open every view, do its actions, drive Launch; print the worst stall per step."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("INFERNAV_TEST_LLAMA_SERVER"))
    parser.add_argument("--model", default=None, help="a GGUF (default: the tiny test model)")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--choices", type=int, default=4, help="choices tried per drop-down")
    parser.add_argument("--no-engine", action="store_true", help="skip the Launch engine run")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="infernav-stall-"))
    os.environ["INFERNAV_HOME"] = str(home)
    os.environ.setdefault("OLLAMA_HOST", "127.0.0.1:9")  # no stray Ollama on this machine
    if args.model:
        folder = Path(args.model).resolve().parent
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.fakes.gguf import write_tiny_gguf

        folder = home / "models"
        write_tiny_gguf(folder / "tiny-random-llama.gguf")

    from desktop_app.storage.user.settings import GGUF_FOLDERS, engine_binary
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.views import VIEWS

    app = QApplication([sys.argv[0]])
    window = MainWindow(show_errors_in_dialog=False)
    window.resize(1366, 768)
    window.show()
    dog = Watchdog()
    dog.start()
    dog.phase = "start-up"
    window.start_loading()
    if not wait_until(app, lambda: window.ctx is not None, 60) or window.ctx is None:
        sys.exit("the app did not load")
    if args.server:
        window.ctx.stores.user.set_setting(engine_binary("llama.cpp"), args.server)
    window.ctx.stores.user.set_setting(GGUF_FOLDERS, [str(folder)])
    settle(app, window, 1.0)
    dog.phase = "idle"  # baseline: the same loop with nothing happening (machine noise)
    wait_until(app, lambda: False, 3.0)

    rows: list[tuple[str, int]] = []
    for row, spec in enumerate(VIEWS):
        dog.phase, dog.step = f"{spec.key}: open", "open from the sidebar"
        window.sidebar.setCurrentRow(row)
        settle(app, window, 0.5)
        view = window.views[spec.key]
        actions = view_actions(view, args.choices)
        dog.phase = f"{spec.key}: actions"
        for label, act in actions:
            dog.step = label
            act()
            settle(app, window)
        rows.append((spec.key, len(actions)))

    engine_ok, t_ready = True, 0.0
    if args.server and not args.no_engine:
        view = window.show_view("launch")
        wait_until(app, lambda: view.models.gguf_table.rowCount() > 0 and bool(view.engines), 30)
        if args.model:
            names = [g.path.name for g in view.models.ggufs]
            view.models.gguf_table.selectRow(names.index(Path(args.model).name))
        view.threads_edit.setText("1")
        answers: list[object] = []
        view.answer_finished.connect(answers.append)
        t0 = time.monotonic()
        dog.phase, dog.step = "launch: start", "Start, until ready"
        view.start_button.click()
        engine_ok = wait_until(app, lambda: "Ready at" in view.status.text(), 120)
        t_ready = time.monotonic() - t0
        dog.phase, dog.step = "launch: trial", f"a {args.tokens}-token answer"
        view.send_prompt("Tell me about the sea.", args.tokens)
        engine_ok = engine_ok and wait_until(app, lambda: bool(answers), 300)
        settle(app, window)
        dog.phase, dog.step = "launch: stop", "Stop"
        view.stop_button.click()
        engine_ok = engine_ok and wait_until(
            app, lambda: view.status.text().startswith("Stopped"), 30
        )
        settle(app, window)
    dog.phase = "after"
    window.close()
    if not engine_ok:
        print(f"the Launch engine run did not complete: {view.status.text()}")

    print(f"baseline stall with nothing happening (3 s): {dog.worst.get('idle', 0):.0f} ms")
    print(f"start-up (stores load in the background): {dog.worst.get('start-up', 0):.0f} ms")
    print(f"{'view':10} {'open ms':>8} {'actions':>8} {'worst ms':>9}  worst step")
    measured: list[float] = []
    for key, count in rows:
        opened = dog.worst.get(f"{key}: open", 0.0)
        acted = dog.worst.get(f"{key}: actions", 0.0)
        worst_phase = f"{key}: open" if opened >= acted else f"{key}: actions"
        measured += [opened, acted]
        print(
            f"{key:10} {opened:8.0f} {count:8d} {acted:9.0f}  {dog.worst_step.get(worst_phase, '')}"
        )
    if args.server and not args.no_engine:
        print(f"engine ready after {t_ready:.2f} s; answer of {args.tokens} tokens streamed")
        for phase in ("launch: start", "launch: trial", "launch: stop"):
            measured.append(dog.worst.get(phase, 0.0))
            print(f"longest stall while {phase:>14}: {dog.worst.get(phase, 0):.0f} ms")
    worst = max(measured, default=0.0)
    verdict = "PASS" if worst <= TARGET_MS and engine_ok else "FAIL"
    print(f"worst stall {worst:.0f} ms (target ≤ {TARGET_MS} ms): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
