"""Live preview: serve the web player on loopback and rebuild on every save.

`venue serve` builds the venue, serves the bundle and its web player over
HTTP, and polls the project's files. When one changes it rebuilds. The open
page then reloads through a Server-Sent Events stream. If the build failed,
the page shows an overlay with each problem's file, line and column instead,
until the mistake is fixed.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import VenueError

__all__ = ["LiveBuild", "Watcher", "build_files", "serve", "running_server",
           "problem_report",
           "WATCHED_FOLDERS"]

log = logging.getLogger(__name__)

WATCHED_FOLDERS = ("venues", "scenes", "schedules", "assets")
"""Project folders whose files trigger a rebuild when they change."""

LIVE_SCRIPT = b"""\
const overlayId = "venue-live-overlay";
function showProblems(report) {
  let overlay = document.getElementById(overlayId);
  if (!overlay) {
    overlay = document.createElement("div");
    overlay.id = overlayId;
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;" +
      "background:rgba(20,10,10,.92);color:#fff;font:14px/1.5 monospace;padding:24px";
    document.body.appendChild(overlay);
  }
  overlay.replaceChildren();
  const heading = document.createElement("h2");
  heading.textContent = "The venue has problems; fix them and save";
  overlay.appendChild(heading);
  for (const problem of report.problems) {
    const block = document.createElement("div");
    block.className = "venue-live-problem";
    block.style.margin = "0 0 18px";
    const where = document.createElement("div");
    where.style.color = "#ffb0b0";
    where.textContent = `${problem.location}: ${problem.message}`;
    block.appendChild(where);
    if (problem.source !== null) {
      const code = document.createElement("pre");
      code.style.cssText = "margin:6px 0;padding:8px;background:#000;color:#ddd";
      code.textContent = `${problem.line} | ${problem.source}\\n` +
        " ".repeat(String(problem.line).length + 3 + Math.max(problem.column - 1, 0)) +
        "^";
      block.appendChild(code);
    }
    overlay.appendChild(block);
  }
}
function clearProblems() {
  document.getElementById(overlayId)?.remove();
}
const events = new EventSource("/__venue/events");
let shownVersion = null;
events.addEventListener("state", (event) => {
  const state = JSON.parse(event.data);
  if (state.problems.length) {
    showProblems(state);
    return;
  }
  clearProblems();
  if (shownVersion === null) {
    shownVersion = state.version;
  } else if (state.version !== shownVersion) {
    location.reload();
  }
});
"""

PLACEHOLDER_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>venue serve</title></head>
<body><p>The venue has not been built yet.</p>
<script type="module" src="/__venue/live.js"></script></body></html>
"""


def problem_report(error: VenueError) -> list[dict[str, Any]]:
    """Describe each problem for the overlay, with the offending source line."""
    report = []
    for problem in error.problems:
        origin = problem.origin
        source = None
        if origin.line > 0:
            try:
                lines = Path(origin.file).read_text(encoding="utf-8").splitlines()
                source = lines[origin.line - 1] if origin.line <= len(lines) else None
            except (OSError, UnicodeDecodeError):
                source = None
        message = problem.message + (f" (at {problem.path})" if problem.path else "")
        report.append({"location": str(origin), "file": str(origin.file),
                       "line": origin.line, "column": origin.column,
                       "message": message, "source": source})
    if not error.problems:
        report.append({"location": "", "file": "", "line": 0, "column": 0,
                       "message": str(error), "source": None})
    return report


class Watcher:
    """Poll the files under a project's watched folders for changes."""

    def __init__(self, root: Path, folders: tuple[str, ...] = WATCHED_FOLDERS) -> None:
        self.root = root
        self.folders = folders
        self.state = self.scan()

    def scan(self) -> dict[Path, tuple[int, int]]:
        """Return every watched file's modification time and size."""
        found: dict[Path, tuple[int, int]] = {}
        for folder in self.folders:
            base = self.root / folder
            if not base.is_dir():
                continue
            for path in base.rglob("*"):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if path.is_file():
                    found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    def changed(self) -> list[Path]:
        """Return the files added, removed or modified since the last call."""
        current = self.scan()
        paths = set(current) | set(self.state)
        changes = sorted(p for p in paths if current.get(p) != self.state.get(p))
        self.state = current
        return changes


@dataclass
class LiveBuild:
    """The latest build of a venue for serving: files, version and problems."""

    build: Callable[[], dict[str, bytes]]
    files: dict[str, bytes] = field(default_factory=dict)
    version: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    listeners: list[queue.Queue[str]] = field(default_factory=list)

    def rebuild(self) -> bool:
        """Build once; keep the previous files when the build fails."""
        started = time.perf_counter()
        try:
            files = self.build()
        except VenueError as error:
            with self.lock:
                self.problems = problem_report(error)
            log.warning("build failed with %d problem(s):\n%s",
                        len(error.problems), error)
            self.notify()
            return False
        with self.lock:
            self.files = files
            self.version += 1
            self.problems = []
        log.info("rebuilt in %.2f s (version %d)", time.perf_counter() - started,
                 self.version)
        self.notify()
        return True

    def state_json(self) -> str:
        with self.lock:
            return json.dumps({"version": self.version, "problems": self.problems},
                              ensure_ascii=False)

    def notify(self) -> None:
        message = self.state_json()
        with self.lock:
            listeners = list(self.listeners)
        for listener in listeners:
            listener.put(message)

    def subscribe(self) -> queue.Queue[str]:
        listener: queue.Queue[str] = queue.Queue()
        with self.lock:
            self.listeners.append(listener)
        listener.put(self.state_json())
        return listener

    def unsubscribe(self, listener: queue.Queue[str]) -> None:
        with self.lock:
            if listener in self.listeners:
                self.listeners.remove(listener)

    def file(self, name: str) -> bytes | None:
        with self.lock:
            return self.files.get(name)


_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".glb": "model/gltf-binary",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


class _Handler(SimpleHTTPRequestHandler):
    """Serve the live build from memory, plus the live-reload endpoints."""

    live: LiveBuild
    stop: threading.Event

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/__venue/events":
            self._events()
        elif path == "/__venue/live.js":
            self._send(LIVE_SCRIPT, "text/javascript; charset=utf-8")
        elif path == "/__venue/state":
            self._send(self.live.state_json().encode(), "application/json")
        else:
            self._static(path)

    def _static(self, path: str) -> None:
        name = path.lstrip("/") or "index.html"
        if name.endswith("/"):
            name += "index.html"
        data = self.live.file(name)
        if name == "index.html":
            data = _with_live_script(data or PLACEHOLDER_PAGE)
        if data is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not in the bundle")
            return
        suffix = Path(name).suffix.lower()
        self._send(data, _CONTENT_TYPES.get(suffix, "application/octet-stream"))

    def _send(self, data: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        listener = self.live.subscribe()
        try:
            while not self.stop.is_set():
                try:
                    message = listener.get(timeout=15)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"event: state\ndata: {message}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.live.unsubscribe(listener)


def build_files(venue_file: Path, *, player: bool = True,
                cache: Any = None) -> dict[str, bytes]:
    """Build `venue_file` in memory: the bundle's files plus the web player's.

    `cache` is a `BuildCache`; with it, a save recompiles only what changed.
    """
    from .bundle import prepare_bundle
    from .load import load_venue

    bundle = prepare_bundle(load_venue(venue_file, cache=cache), cache=cache)
    files = dict(bundle.files)
    if player:
        from .web import WebOptions, web_files

        files.update(web_files(bundle, WebOptions(player=True)))
    return files


def _with_live_script(page: bytes) -> bytes:
    tag = b'<script type="module" src="/__venue/live.js"></script>'
    if b"</body>" in page:
        return page.replace(b"</body>", tag + b"\n</body>", 1)
    return page + tag


def _watch(watcher: Watcher, live: LiveBuild, stop: threading.Event,
           interval: float) -> None:
    while not stop.wait(interval):
        changes = watcher.changed()
        if changes:
            shown = ", ".join(str(p.relative_to(watcher.root)) for p in changes[:3])
            more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
            log.info("changed: %s%s", shown, more)
            live.rebuild()


@contextmanager
def running_server(venue_file: Path, build: Callable[[], dict[str, bytes]], *,
                   host: str = "127.0.0.1", port: int = 8000,
                   interval: float = 0.3) -> Iterator[tuple[ThreadingHTTPServer,
                                                         LiveBuild]]:
    """Build, then serve and watch in background threads until the block ends."""
    from .load import project_root

    live = LiveBuild(build)
    live.rebuild()
    stop = threading.Event()
    handler = partial(_LiveHandler, live=live, stop=stop)
    server = ThreadingHTTPServer((host, port), handler)  # type: ignore[arg-type]
    server.daemon_threads = True
    watcher = Watcher(project_root(venue_file))
    threads = [
        threading.Thread(target=server.serve_forever, name="venue-serve",
                         daemon=True),
        threading.Thread(target=_watch, args=(watcher, live, stop, interval),
                         name="venue-watch", daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield server, live
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


class _LiveHandler(_Handler):
    def __init__(self, *args: Any, live: LiveBuild, stop: threading.Event,
                 **kwargs: Any) -> None:
        self.live = live
        self.stop = stop
        super().__init__(*args, **kwargs)


def serve(venue_file: Path, build: Callable[[], dict[str, bytes]], *,
          host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `venue_file`'s live build until interrupted (Ctrl+C)."""
    with running_server(venue_file, build, host=host, port=port) as (server, _):
        address, bound_port = server.server_address[:2]
        log.info("serving on http://%s:%d/ ; watching %s; press Ctrl+C to stop",
                 address, bound_port, ", ".join(WATCHED_FOLDERS))
        while True:
            time.sleep(3600)
