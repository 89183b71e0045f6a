"""The `venue` command: create, validate, lint, build, list sessions, view and
snapshot venues.

Exit codes: 0 success, 1 lint warnings with --strict, 2 invalid input,
3 build failed, 4 viewer failed, 64 wrong usage. Problems print as
`file:line:col: message`; `--debug` adds the traceback. docs/cli.md lists
every command and option.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_WARNINGS,
    InvalidVenue,
    Origin,
    Problem,
    UsageError,
    VenueError,
)

if TYPE_CHECKING:
    from .bundle import Progress
    from .cache import BuildCache

__all__ = ["main"]

log = logging.getLogger("toolkit")


def _parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 time, keeping it naive when it has no offset."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid time '{text}'; write ISO 8601 such as 2020-06-23T14:05 or "
            "2020-06-23T14:05+08:00") from None


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid size '{text}'; write WIDTHxHEIGHT such as 1280x720") from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise argparse.ArgumentTypeError("size must be 16 to 8192 pixels each way")
    return width, height


def _parse_base_url(text: str) -> str:
    from .web import parse_base_url

    try:
        return parse_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_cache_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--cache", type=Path, metavar="DIR",
                         help="build cache folder (default: .venue-cache in the "
                         "project root)")
    command.add_argument("--no-cache", action="store_true",
                         help="neither read nor write the build cache")


def _parser() -> argparse.ArgumentParser:
    from .lint import TARGETS, LintOptions

    parser = argparse.ArgumentParser(
        prog="venue",
        description="Compile venues described in YAML into glTF tour bundles "
        "and show them.",
    )
    parser.add_argument("--version", action="version",
                        version=f"venue-toolkit {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show debug logs and tracebacks")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     required=True)

    build = commands.add_parser("build", help="build a tour bundle")
    build.add_argument("venue", type=Path, help="the venue file (venues/*.yaml)")
    build.add_argument("-o", "--output", type=Path, required=True,
                       help="the bundle folder to write (replaced atomically)")
    build.add_argument("--no-web", action="store_true",
                       help="write only the bundle, without the web player")
    build.add_argument("--base-url", type=_parse_base_url, metavar="URL",
                       help="public URL of the web player's index.html; writes "
                       "QR codes of every scene and hotspot link to share/")
    _add_cache_options(build)
    build.add_argument("--json", action="store_true",
                       help="print the files written, their sizes, the seconds "
                       "taken and the cache hits as JSON")

    validate = commands.add_parser(
        "validate", help="check a venue as a build would, writing nothing")
    validate.add_argument("venue", type=Path, help="the venue file")
    validate.add_argument("--json", action="store_true",
                          help="print the result as JSON")

    lint = commands.add_parser(
        "lint", help="warn about likely mistakes that a build accepts")
    lint.add_argument("venue", type=Path, help="the venue file")
    lint.add_argument("--target", choices=TARGETS, default=LintOptions.target,
                      help="whose triangle and texture budgets apply (default "
                      f"{LintOptions.target})")
    lint.add_argument("--strict", action="store_true",
                      help="exit with status 1 when there are warnings")
    lint.add_argument("--ignore", action="append", default=[], metavar="CODE",
                      help="do not report this warning code; repeatable")
    _add_cache_options(lint)
    lint.add_argument("--json", action="store_true",
                      help="print the warnings as JSON")

    new = commands.add_parser("new", help="create a venue project that builds "
                              "as it is")
    new.add_argument("name", help="the venue's id, lowercase kebab-case such as "
                     "my-expo")
    new.add_argument("--dir", type=Path, metavar="DIR",
                     help="the project folder (default: ./NAME); existing "
                     "files are never overwritten")

    sessions = commands.add_parser(
        "sessions", help="list every session and its status at one moment")
    sessions.add_argument("venue", type=Path, help="the venue file")
    sessions.add_argument("--at", type=_parse_iso, metavar="TIME",
                          help="the moment, ISO 8601; without an offset it is "
                          "local time in the venue's timezone (default: now)")
    sessions.add_argument("--json", action="store_true",
                          help="print a JSON list instead of a table")

    serve = commands.add_parser(
        "serve", help="serve the web player on loopback and rebuild on every save")
    serve.add_argument("venue", type=Path, help="the venue file")
    serve.add_argument("--port", type=int, default=8000,
                       help="TCP port on 127.0.0.1 (default 8000; 0 picks a free one)")

    schema = commands.add_parser("schema", help="print a JSON Schema of the format")
    schema.add_argument("kind", nargs="?", default="scene",
                        choices=["venue", "scene", "schedule"],
                        help="which file's schema (default scene)")

    for name, help_text in (("view", "open the desktop viewer"),
                            ("snapshot", "render every viewpoint to PNG")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("source", type=Path,
                             help="a venue file, or a bundle folder")
        command.add_argument("--lang", help="language of labels, such as zh or en "
                             "(default: the venue's first language)")
        command.add_argument("--at", type=_parse_iso, metavar="TIME",
                             help="the clock to show sessions at, ISO 8601; "
                             "without an offset it is local time in the venue's "
                             "timezone (default: now)")
        if name == "view":
            command.add_argument("--scene", help="scene to open (default: start)")
            command.add_argument("--viewpoint", help="viewpoint to start at")
            command.add_argument("--downloads", type=Path, metavar="DIR",
                                 help="folder for calendar (.ics) files (default: "
                                 "~/Downloads if it exists, else the working "
                                 "folder)")
            command.add_argument("--no-feed", action="store_true",
                                 help="ignore the venue's status feed; statuses "
                                 "follow the schedule alone")
            command.add_argument("--watch", action="store_true",
                                 help="with a venue file: rebuild and reload after "
                                 "each change of the project's files; problems "
                                 "show in the window")
            command.add_argument("--snippets", type=Path, metavar="FILE",
                                 help="append each YAML snippet that designer mode "
                                 "(P) copies to FILE")
        else:
            command.add_argument("-o", "--output", type=Path, required=True,
                                 help="folder for the PNG files")
            command.add_argument("--size", type=_parse_size, default=(1280, 720),
                                 help="image size WIDTHxHEIGHT (default 1280x720)")
    return parser


def _open_cache(args: argparse.Namespace) -> BuildCache | None:
    """Return the build cache that the options select, or None with --no-cache."""
    from .cache import BuildCache, default_cache_dir
    from .load import project_root

    if args.no_cache:
        return None
    return BuildCache(args.cache or default_cache_dir(project_root(args.venue)))


def _print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _build(args: argparse.Namespace) -> int:
    from ._terminal import ProgressLine
    from .bundle import prepare_bundle, write_bundle
    from .load import load_venue

    started = time.perf_counter()
    cache = _open_cache(args)
    progress = ProgressLine(enabled=not (args.quiet or args.json))
    try:
        venue = load_venue(args.venue, cache=cache)
        bundle = prepare_bundle(venue, cache, progress.scene)
    finally:
        progress.clear()
    extra = None
    if not args.no_web or args.base_url:
        from .web import WebOptions, web_files

        extra = web_files(bundle, WebOptions(player=not args.no_web,
                                             base_url=args.base_url))
    write_bundle(bundle, args.output, extra)
    if cache is not None:
        cache.prune()
    seconds = time.perf_counter() - started
    files = {**bundle.files, **(extra or {})}
    reused = 0
    cached = ""
    if cache is not None:
        reused = cache.stats.hits["glb"]
        cached = f"; {reused} of {len(venue.scenes)} scenes from the cache"
    log.info("built %s: %d scenes, %d sessions, %d files, %.1f MB in %s "
             "(%.2f s%s)", venue.id, len(venue.scenes), len(venue.sessions),
             len(files), sum(map(len, files.values())) / 1e6, args.output,
             seconds, cached)
    if args.json:
        _print_json({
            "ok": True,
            "venue": venue.id,
            "output": str(args.output),
            "files": [{"path": name, "bytes": len(data)}
                      for name, data in sorted(files.items())],
            "bytes": sum(len(data) for data in files.values()),
            "seconds": round(seconds, 3),
            "scenes": len(venue.scenes),
            "scenes_from_cache": reused,
            "sessions": len(venue.sessions),
            "cache": None if cache is None else {"folder": str(cache.folder),
                                                 **cache.stats.as_json()},
        })
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from .bundle import prepare_bundle
    from .load import load_venue

    # No cache: validate runs every check on every file.
    venue = load_venue(args.venue)
    prepare_bundle(venue)
    log.info("%s is valid: %d scenes, %d sessions", args.venue, len(venue.scenes),
             len(venue.sessions))
    if args.json:
        _print_json({"ok": True, "venue": venue.id, "scenes": len(venue.scenes),
                     "sessions": len(venue.sessions), "problems": []})
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    from .lint import CODES, LintOptions, lint_venue
    from .load import load_venue

    unknown = [code for code in args.ignore if code not in CODES]
    if unknown:
        raise UsageError(f"unknown warning code '{unknown[0]}' for --ignore; "
                         f"codes: {', '.join(CODES)}")
    cache = _open_cache(args)
    venue = load_venue(args.venue, cache=cache)
    options = LintOptions(target=args.target, ignore=frozenset(args.ignore))
    warnings = lint_venue(venue, options, cache)
    failed = args.strict and bool(warnings)
    if args.json:
        _print_json({"ok": not failed, "venue": venue.id, "target": args.target,
                     "warnings": [warning.as_json() for warning in warnings]})
    else:
        for warning in warnings:
            print(warning, file=sys.stderr)
    counts = Counter(warning.code for warning in warnings)
    log.info("%s: %d warnings for %s%s", args.venue, len(warnings), args.target,
             "".join(f", {n} {code}" for code, n in sorted(counts.items())))
    return EXIT_WARNINGS if failed else EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .scaffold import create_project

    folder = args.dir if args.dir is not None else Path(args.name)
    try:
        written = create_project(args.name, folder)
    except ValueError as error:
        raise UsageError(str(error)) from None
    venue_file = folder / "venues" / f"{args.name}.yaml"
    log.info("created %d files in %s; next: venue build %s -o %s", len(written),
             folder, venue_file, folder / "build")
    return EXIT_OK


def _sessions(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from .load import load_venue
    from .sessions import session_report
    from .timeutil import describe_local_time, localize

    venue = load_venue(args.venue)
    zone = ZoneInfo(venue.timezone)
    clock = args.at or datetime.now(UTC)
    if clock.tzinfo is None:
        wall = clock
        clock, kind = localize(wall, zone)
        if kind == "nonexistent":
            print(f"error: --at: {describe_local_time(wall, zone, kind)}; add an "
                  "offset", file=sys.stderr)
            return EXIT_USAGE
        if kind == "ambiguous":
            log.warning("warning: --at: %s; using the earlier one",
                        describe_local_time(wall, zone, kind))
    rows = session_report(venue.sessions, clock, zone)
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_session_table(rows))
    counts = Counter(row["status"] for row in rows)
    log.info("%d sessions at %s: %s", len(rows), clock.astimezone(zone).isoformat(
        timespec="seconds"), ", ".join(f"{n} {kind}" for kind, n in counts.items())
        or "none")
    return EXIT_OK


def _session_table(rows: list[dict[str, Any]]) -> str:
    """Format session rows as aligned columns: id, start, end, channel, status."""
    header = ("ID", "START", "END", "CHANNEL", "STATUS")
    lines = [header]
    for row in rows:
        state = row["status"]
        if "starts_in_seconds" in row:
            state = f"upcoming in {_duration_words(row['starts_in_seconds'])}"
        lines.append((row["id"], row["start"], row["end"], row["channel"] or "-",
                      state))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths))
        + "  " + line[-1] + "\n"
        for line in lines
    )


def _duration_words(seconds: int) -> str:
    """Format seconds as `2d 03:05` or `03:05` (hours and minutes, rounded up)."""
    minutes = -(-seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    clock = f"{hours:02d}:{minutes:02d}"
    return f"{days}d {clock}" if days else clock


def _serve(args: argparse.Namespace) -> int:
    from functools import partial

    from .cache import BuildCache, default_cache_dir
    from .load import project_root
    from .serve import build_files, serve

    cache = BuildCache(default_cache_dir(project_root(args.venue)))
    if not 0 <= args.port <= 65535:
        raise UsageError(f"invalid port {args.port}; use 0 to 65535")
    try:
        serve(args.venue, partial(build_files, args.venue, cache=cache),
              port=args.port)
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: "
                         f"{error.strerror}; pick another --port") from None
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .schema import schema_json

    sys.stdout.write(schema_json(args.kind))
    return EXIT_OK


def _bundle_dir(source: Path, scratch: Path,
                progress: Progress | None = None) -> Path:
    """Return a bundle folder for `source`, building it first from a venue file."""
    if source.is_dir():
        if not (source / "tour.json").is_file():
            raise InvalidVenue(Problem(Origin(source), "not a tour bundle (no "
                                       "tour.json); pass a venue file or a folder "
                                       "written by venue build"))
        return source
    from .bundle import prepare_bundle, write_bundle
    from .load import load_venue

    target = scratch / "bundle"
    write_bundle(prepare_bundle(load_venue(source), progress=progress), target)
    return target


def _read_manifest(bundle_dir: Path) -> dict[str, Any]:
    return json.loads((bundle_dir / "tour.json").read_text(encoding="utf-8"))


def _viewpoint_count(manifest: dict[str, Any]) -> int:
    return sum(len(scene.get("viewpoints", [])) for scene in manifest["scenes"])


def _warn_unknown_language(manifest: dict[str, Any], lang: str | None) -> None:
    """Warn when `lang` is not one of the bundle's languages (labels fall back)."""
    if lang is None:
        return
    languages = manifest["venue"].get("languages", [])
    if lang not in languages:
        log.warning("--lang %s is not one of the venue's languages (%s); labels "
                    "use %s", lang, ", ".join(languages),
                    languages[0] if languages else "any language")


def _view(args: argparse.Namespace) -> int:
    from .viewer import LiveOptions, WatchOptions, view

    if args.watch and args.source.is_dir():
        raise UsageError(f"--watch needs a venue file, but {args.source} is a "
                         "folder; pass the venue file (venues/NAME.yaml)")
    live = LiveOptions(feed=not args.no_feed, downloads=args.downloads)
    watch = WatchOptions(args.source) if args.watch else None
    with tempfile.TemporaryDirectory(prefix="venue-view-") as scratch:
        bundle_dir = _bundle_dir(args.source, Path(scratch))
        _warn_unknown_language(_read_manifest(bundle_dir), args.lang)
        view(bundle_dir, lang=args.lang, scene=args.scene, viewpoint=args.viewpoint,
             at=args.at, live=live, watch=watch, snippets=args.snippets)
    return EXIT_OK


def _snapshot(args: argparse.Namespace) -> int:
    from ._terminal import ProgressLine
    from .viewer import snapshot

    progress = ProgressLine(enabled=not args.quiet)
    with tempfile.TemporaryDirectory(prefix="venue-snapshot-") as scratch:
        try:
            bundle_dir = _bundle_dir(args.source, Path(scratch), progress.scene)
            manifest = _read_manifest(bundle_dir)
            _warn_unknown_language(manifest, args.lang)
            # NOTE: the viewer renders without a progress callback, so the
            # line names the whole step rather than each image.
            progress.show(f"rendering {_viewpoint_count(manifest)} viewpoints")
            paths = snapshot(bundle_dir, args.output, lang=args.lang,
                             size=args.size, at=args.at)
        finally:
            progress.clear()
    log.info("wrote %d snapshots to %s", len(paths), args.output)
    return EXIT_OK


_COMMANDS = {"serve": _serve, "build": _build, "validate": _validate, "sessions": _sessions,
             "schema": _schema, "view": _view, "snapshot": _snapshot,
             "lint": _lint, "new": _new}


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever `sys.stderr` is at the time of each record.

    A handler that kept the stream it was made with would write to a closed
    file once a caller (a test's capture, say) swaps `sys.stderr` back.
    """

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _configure_logging(debug: bool, quiet: bool) -> None:
    if debug:
        level = logging.DEBUG
    elif quiet:
        level = logging.ERROR
    else:
        level = logging.INFO
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s" if not debug else
                                           "%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if not debug else logging.DEBUG)
    log.setLevel(level)


def _problem_json(problem: Problem) -> dict[str, Any]:
    origin = problem.origin
    return {"file": str(origin.file), "line": origin.line, "column": origin.column,
            "message": problem.message, "path": problem.path}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0) and EXIT_USAGE
    _configure_logging(args.debug, args.quiet)
    try:
        return _COMMANDS[args.command](args)
    except VenueError as error:
        if args.debug:
            log.exception("failed")
        if getattr(args, "json", False):
            _print_json({"ok": False, "exit_code": error.exit_code,
                         "problems": [_problem_json(p) for p in error.problems]
                         or [{"message": str(error)}]})
        count = len(error.problems)
        for problem in error.problems or [str(error)]:
            print(f"error: {problem}" if isinstance(problem, str) else str(problem),
                  file=sys.stderr)
        if count > 1:
            print(f"{count} problems found", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 (the last line of defence)
        # Every failure a user can cause should be a VenueError; this is a bug.
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error}\n"
              "this is a bug in venue-toolkit; run the command again with --debug "
              "for the traceback and report it", file=sys.stderr)
        return EXIT_INTERNAL
