"""The `venue` command: validate, build, view and snapshot venues.

Exit codes: 0 success, 2 invalid input, 3 build failed, 4 viewer failed,
64 wrong usage. Problems print as `file:line:col: message`; `--debug` adds
the traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from . import __version__
from .errors import EXIT_OK, EXIT_USAGE, InvalidVenue, Origin, Problem, VenueError

__all__ = ["main"]

log = logging.getLogger("toolkit")


def _parse_at(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid time '{text}'; write ISO 8601 such as 2020-06-23T14:05+08:00"
        ) from None
    if value.tzinfo is None:
        value = value.astimezone()
    return value


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid size '{text}'; write WIDTHxHEIGHT such as 1280x720") from None
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise argparse.ArgumentTypeError("size must be 16 to 8192 pixels each way")
    return width, height


def _parser() -> argparse.ArgumentParser:
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

    validate = commands.add_parser(
        "validate", help="check a venue as a build would, writing nothing")
    validate.add_argument("venue", type=Path, help="the venue file")

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
        command.add_argument("--at", type=_parse_at, help="the clock to show "
                             "sessions at, ISO 8601 (default: now)")
        if name == "view":
            command.add_argument("--scene", help="scene to open (default: start)")
            command.add_argument("--viewpoint", help="viewpoint to start at")
        else:
            command.add_argument("-o", "--output", type=Path, required=True,
                                 help="folder for the PNG files")
            command.add_argument("--size", type=_parse_size, default=(1280, 720),
                                 help="image size WIDTHxHEIGHT (default 1280x720)")
    return parser


def _build(args: argparse.Namespace) -> int:
    from .bundle import prepare_bundle, write_bundle
    from .load import load_venue

    started = time.perf_counter()
    venue = load_venue(args.venue)
    bundle = prepare_bundle(venue)
    write_bundle(bundle, args.output)
    seconds = time.perf_counter() - started
    log.info("built %s: %d scenes, %d sessions, %d files, %.1f MB in %s (%.2f s)",
             venue.id, len(venue.scenes), len(venue.sessions), len(bundle.files),
             bundle.size / 1e6, args.output, seconds)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from .bundle import prepare_bundle
    from .load import load_venue

    venue = load_venue(args.venue)
    prepare_bundle(venue)
    log.info("%s is valid: %d scenes, %d sessions", args.venue, len(venue.scenes),
             len(venue.sessions))
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .schema import schema_json

    sys.stdout.write(schema_json(args.kind))
    return EXIT_OK


def _bundle_dir(source: Path, scratch: Path) -> Path:
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
    write_bundle(prepare_bundle(load_venue(source)), target)
    return target


def _view(args: argparse.Namespace) -> int:
    from .viewer import view

    with tempfile.TemporaryDirectory(prefix="venue-view-") as scratch:
        bundle_dir = _bundle_dir(args.source, Path(scratch))
        view(bundle_dir, lang=args.lang, scene=args.scene, viewpoint=args.viewpoint,
             at=args.at)
    return EXIT_OK


def _snapshot(args: argparse.Namespace) -> int:
    from .viewer import snapshot

    with tempfile.TemporaryDirectory(prefix="venue-snapshot-") as scratch:
        bundle_dir = _bundle_dir(args.source, Path(scratch))
        paths = snapshot(bundle_dir, args.output, lang=args.lang, size=args.size,
                         at=args.at)
    log.info("wrote %d snapshots to %s", len(paths), args.output)
    return EXIT_OK


_COMMANDS = {"build": _build, "validate": _validate, "schema": _schema,
             "view": _view, "snapshot": _snapshot}


def _configure_logging(debug: bool, quiet: bool) -> None:
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s" if not debug else
                                           "%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING if not debug else logging.DEBUG)
    log.setLevel(level)


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
