"""Schedule imports: iCalendar, pretalx JSON and frab XML, real and hand-written,
and how their sessions merge into a venue."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import FILES, shared_data, write_project
from toolkit.bundle import prepare_bundle
from toolkit.cli import main
from toolkit.errors import InvalidVenue
from toolkit.load import load_venue
from toolkit.schedules import (ImportedSchedule, find_overlaps, import_schedule,
                               slugify)

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _import(tmp_path: Path, name: str, text: str,
            zone: ZoneInfo = BERLIN) -> ImportedSchedule:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_schedule(path, zone, shown_as=Path(name))


def _problems(result: ImportedSchedule) -> list[str]:
    return [str(problem) for problem in result.problems]


# -- slugs -----------------------------------------------------------------------------


@pytest.mark.parametrize("text,slug", [
    ("Saal 1", "saal-1"),
    ("Saal A - Lötstationen Station 2", "saal-a-lotstationen-station-2"),
    ("hacc München / about:future - München", "hacc-munchen-about-future-munchen"),
    ("Straße", "strasse"),
    ("460@KOLT20", "460-kolt20"),
    ("270FA44C-821A-577F-8CA3-33E8D4A8C2A7", "270fa44c-821a-577f-8ca3-33e8d4a8c2a7"),
    ("主会场", "u4e3b-u4f1a-u573a"),
    ("38C3: Opening ツ", "38c3-opening-u30c4"),
    ('"KliMathematik Augsburg" Table', "klimathematik-augsburg-table"),
    ("  --  ", "x-"),
])
def test_slugify(text: str, slug: str) -> None:
    result = slugify(text)
    assert result.startswith(slug) if slug == "x-" else result == slug
    assert slugify(text) == result


def test_slugify_symbols_only_is_stable_and_distinct() -> None:
    assert slugify("🎉") == slugify("🎉")
    assert slugify("🎉") != slugify("🎈")
    assert slugify("🎉").startswith("x-")


# -- the real files --------------------------------------------------------------------


def test_38c3_frab_xml() -> None:
    path = shared_data("schedules", "38c3-schedule.xml")
    result = import_schedule(path, ZoneInfo("UTC"))
    assert _problems(result) == []
    entries = result.entries
    assert len(entries) == 1007
    assert len({entry.room for entry in entries}) == 72
    assert len({entry.id for entry in entries}) == 1007
    assert {entry.start.utcoffset() for entry in entries} == {timedelta(hours=1)}
    opening = entries[0]
    assert opening.id == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7"
    assert opening.title == "38C3: Opening Ceremony"
    assert opening.room == "Saal 1"
    assert opening.start.isoformat() == "2024-12-27T10:30:00+01:00"
    assert opening.end - opening.start == timedelta(minutes=30)
    assert opening.speakers == ("Gabriela Bogk", "Senficon", "Aline Blankertz")
    assert (opening.origin.line, opening.origin.column) == (24, 13)
    non_ascii = [entry for entry in entries if not entry.title.isascii()]
    assert len(non_ascii) == 259
    assert any("ツ" in entry.title for entry in entries)


def test_rc3_pretalx_json() -> None:
    path = shared_data("schedules", "rc3-channels-2020-schedule.json")
    result = import_schedule(path, ZoneInfo("UTC"))
    assert _problems(result) == []
    entries = result.entries
    assert len(entries) == 48
    rooms = {entry.room for entry in entries}
    assert len(rooms) == 5
    assert "ChaosTrawler Stubnitz/Gängeviertel Hamburg" in rooms
    assert "hacc München / about:future - München" in rooms
    assert {entry.start.utcoffset() for entry in entries} == {timedelta(hours=1)}
    first = entries[0]
    assert first.id == "c3642671-4c1f-5109-81ba-0535c1cc8428"
    assert first.start.isoformat() == "2020-12-27T11:30:00+01:00"
    assert first.end.isoformat() == "2020-12-27T12:10:00+01:00"
    assert first.speakers == ("Chris Fiege", "Kasa")
    assert (first.origin.line, first.origin.column) == (21, 15)
    durations = Counter(entry.end - entry.start for entry in entries)
    assert durations[timedelta(minutes=40)] == 35


def test_kielux_ical() -> None:
    path = shared_data("schedules", "kielux-2020.ics")
    result = import_schedule(path, BERLIN)
    assert _problems(result) == []
    entries = result.entries
    assert len(entries) == 24
    assert Counter(entry.room for entry in entries) == {
        "Ravensberg": 15, "Düsternbrook": 5, "Laboe": 3, "Linux-Lounge": 1}
    first = entries[0]
    assert first.id == "460-kolt20"
    assert first.start == datetime(2020, 9, 18, 11, 0, tzinfo=UTC)
    assert first.end == datetime(2020, 9, 18, 12, 0, tzinfo=UTC)
    assert first.speakers == ("Jakob Semere",)
    assert first.title == "OpenCelium - Der generische OpenSoure API-Hub"
    assert (first.origin.line, first.origin.column) == (8, 1)
    assert "Applikation zu anderen" in (first.description or "")  # unfolded lines
    xen = next(entry for entry in entries if entry.id == "467-kolt20")
    assert xen.speakers == ("Jürgen Groß",)


def _real_venue(tmp_path: Path) -> Path:
    names = ["38c3-schedule.xml", "rc3-channels-2020-schedule.json",
             "kielux-2020.ics"]
    sources = [shared_data("schedules", name) for name in names]
    files = dict(FILES)
    listed = ", ".join(f"schedules/{name}" for name in names)
    files["venues/test.yaml"] = files["venues/test.yaml"].replace(
        "schedules: [schedules/talks.yaml]",
        f"schedules: [schedules/talks.yaml, {listed}]").replace(
        "channels:\n",
        "channels:\n  - {id: saal-1, title: {zh: 一号厅, en: Hall 1}}\n")
    venue = write_project(tmp_path, files)
    for source in sources:  # into the temporary project, never into the repository
        shutil.copyfile(source, tmp_path / "schedules" / source.name)
    return venue


def test_real_files_merge_into_venue(tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        venue = load_venue(_real_venue(tmp_path))
    assert len(venue.sessions) == 2 + 1007 + 48 + 24
    channels = {channel.id: channel for channel in venue.channels}
    assert len(channels) == 2 + 71 + 5 + 4  # saal-1 is declared
    assert channels["saal-1"].title == {"zh": "一号厅", "en": "Hall 1"}
    assert channels["ravensberg"].title == {"zh": "Ravensberg", "en": "Ravensberg"}
    assert "chaostrawler-stubnitz-gangeviertel-hamburg" in channels
    assert "saal-a-lotstationen-station-2" in channels
    by_id = {session.id: session for session in venue.sessions}
    opening = by_id["270fa44c-821a-577f-8ca3-33e8d4a8c2a7"]
    assert opening.channel == "saal-1"
    assert opening.title == {"zh": "38C3: Opening Ceremony",
                             "en": "38C3: Opening Ceremony"}
    overlaps = [r.getMessage() for r in caplog.records if "overlaps" in r.getMessage()]
    assert len(overlaps) == 2
    assert all("on channel 'chill-floor'" in message for message in overlaps)


def test_real_files_bundle_manifest(tmp_path: Path) -> None:
    bundle = prepare_bundle(load_venue(_real_venue(tmp_path)))
    manifest = json.loads(bundle.files["tour.json"])
    sessions = {session["id"]: session for session in manifest["sessions"]}
    assert len(sessions) == 1081
    # Times are written in the venue's timezone, Asia/Shanghai.
    opening = sessions["270fa44c-821a-577f-8ca3-33e8d4a8c2a7"]
    assert opening["start"] == "2024-12-27T17:30:00+08:00"
    assert opening["channel"] == "saal-1"
    channel_ids = {channel["id"] for channel in manifest["channels"]}
    assert {session.get("channel") for session in sessions.values()} <= channel_ids


def test_real_files_sessions_json(tmp_path: Path,
                                  capsys: pytest.CaptureFixture) -> None:
    venue = _real_venue(tmp_path)
    assert main(["sessions", str(venue), "--at", "2024-12-27T10:45+01:00",
                 "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1081
    opening = next(r for r in rows if r["id"] == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7")
    assert opening["status"] == "live"
    assert opening["start"] == "2024-12-27T17:30:00+08:00"
    kielux = [r for r in rows if r["id"].endswith("-kolt20")]
    assert {r["status"] for r in kielux} == {"ended"}
    starts = [datetime.fromisoformat(r["start"]) for r in rows]
    assert starts == sorted(starts)


def test_real_files_ids_stable_across_builds(tmp_path: Path) -> None:
    first = [s.id for s in load_venue(_real_venue(tmp_path / "a")).sessions]
    second = [s.id for s in load_venue(_real_venue(tmp_path / "b")).sessions]
    assert first == second


# -- iCalendar edge cases --------------------------------------------------------------

CALENDAR = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//venue-toolkit tests//EN
{events}END:VCALENDAR
"""

WEEKLY = """\
BEGIN:VEVENT
UID:weekly@example.org
SUMMARY:Weekly briefing
LOCATION:Saal 1
DTSTART;TZID=Europe/Berlin:20240305T093000
DTEND;TZID=Europe/Berlin:20240305T103000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20240319T093000
END:VEVENT
BEGIN:VEVENT
UID:weekly@example.org
RECURRENCE-ID;TZID=Europe/Berlin:20240326T093000
SUMMARY:Weekly briefing (moved)
LOCATION:Saal 1
DTSTART;TZID=Europe/Berlin:20240326T113000
DTEND;TZID=Europe/Berlin:20240326T123000
END:VEVENT
"""


def _calendar(*events: str) -> str:
    return CALENDAR.format(events="".join(events))


def test_ical_weekly_rule_with_exdate_and_moved(tmp_path: Path) -> None:
    result = _import(tmp_path, "weekly.ics", _calendar(WEEKLY))
    assert _problems(result) == []
    starts = [entry.start.isoformat() for entry in result.entries]
    assert starts == [
        "2024-03-05T09:30:00+01:00",
        "2024-03-12T09:30:00+01:00",
        # 2024-03-19 is excluded by EXDATE.
        "2024-03-26T11:30:00+01:00",  # moved by its RECURRENCE-ID
        "2024-04-02T09:30:00+02:00",  # after the change to summer time
        "2024-04-09T09:30:00+02:00",
    ]
    ids = [entry.id for entry in result.entries]
    assert ids[0] == "weekly-example-org-20240305t0930"
    assert ids[2] == "weekly-example-org-20240326t0930"  # keeps its original slot
    assert len(set(ids)) == 5
    assert [entry.origin.line for entry in result.entries] == [4, 4, 13, 4, 4]
    assert result.entries[2].title == "Weekly briefing (moved)"
    assert {entry.room for entry in result.entries} == {"Saal 1"}


def test_ical_tzid_utc_and_floating(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:tz@example.org
SUMMARY:New York
DTSTART;TZID=America/New_York:20240610T090000
DTEND;TZID=America/New_York:20240610T100000
END:VEVENT
BEGIN:VEVENT
UID:utc@example.org
SUMMARY:UTC
DTSTART:20240610T090000Z
DTEND:20240610T100000Z
END:VEVENT
BEGIN:VEVENT
UID:floating@example.org
SUMMARY:Floating
DTSTART:20240610T090000
DTEND:20240610T100000
END:VEVENT
"""
    result = _import(tmp_path, "zones.ics", _calendar(events), SHANGHAI)
    assert _problems(result) == []
    starts = {entry.id: entry.start.isoformat() for entry in result.entries}
    assert starts == {
        "tz-example-org": "2024-06-10T09:00:00-04:00",
        "utc-example-org": "2024-06-10T09:00:00+00:00",
        "floating-example-org": "2024-06-10T09:00:00+08:00",  # venue timezone
    }


def test_ical_all_day_skipped_with_warning(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    events = """\
BEGIN:VEVENT
UID:day@example.org
SUMMARY:Conference day 1
DTSTART;VALUE=DATE:20240610
DTEND;VALUE=DATE:20240611
END:VEVENT
"""
    with caplog.at_level(logging.WARNING):
        result = _import(tmp_path, "days.ics", _calendar(events))
    assert result.entries == ()
    assert result.problems == ()
    assert "days.ics:4:1: warning: skipped all-day event 'day@example.org'" in \
        caplog.text


def test_ical_dst_gap_follows_rfc_5545(tmp_path: Path,
                                       caplog: pytest.LogCaptureFixture) -> None:
    events = """\
BEGIN:VEVENT
UID:gap@example.org
SUMMARY:In the gap
DTSTART;TZID=Europe/Berlin:20240331T023000
DTEND;TZID=Europe/Berlin:20240331T040000
END:VEVENT
BEGIN:VEVENT
UID:fold@example.org
SUMMARY:In the fold
DTSTART:20241027T023000
DURATION:PT1H
END:VEVENT
"""
    with caplog.at_level(logging.WARNING):
        result = _import(tmp_path, "dst.ics", _calendar(events))
    gap, fold = result.entries
    # 02:30 does not exist: read with the offset before the gap, i.e. 03:30 CEST.
    assert gap.start == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert gap.end - gap.start == timedelta(minutes=30)
    # A floating 02:30 on the fall-back night is the first one, +02:00.
    assert fold.start == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert fold.end - fold.start == timedelta(hours=1)
    assert "dst.ics:4:1: warning: event 'gap@example.org' start: local time " \
        "2024-03-31T02:30 does not exist" in caplog.text
    assert "dst.ics:10:1: warning: event 'fold@example.org' start: local time " \
        "2024-10-27T02:30 occurs twice" in caplog.text


def test_ical_duration_is_elapsed_time(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:night@example.org
SUMMARY:Over the change
DTSTART;TZID=Europe/Berlin:20240331T013000
DURATION:PT3H
END:VEVENT
BEGIN:VEVENT
UID:day@example.org
SUMMARY:A calendar day later
DTSTART;TZID=Europe/Berlin:20240330T100000
DURATION:P1DT1H
END:VEVENT
"""
    night, day = _import(tmp_path, "duration.ics", _calendar(events)).entries
    assert night.end - night.start == timedelta(hours=3)
    assert night.end.isoformat() == "2024-03-31T05:30:00+02:00"
    # One calendar day across the change is 23 hours, then one more hour.
    assert day.end.isoformat() == "2024-03-31T11:00:00+02:00"


def test_ical_unbounded_rule_stops_after_a_year(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    events = """\
BEGIN:VEVENT
UID:forever@example.org
SUMMARY:Every week
DTSTART:20240301T100000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY
END:VEVENT
"""
    with caplog.at_level(logging.WARNING):
        result = _import(tmp_path, "forever.ics", _calendar(events))
    assert len(result.entries) == 53
    assert result.entries[-1].start == datetime(2025, 2, 28, 10, tzinfo=UTC)
    assert "repeats beyond 366 days" in caplog.text


def test_ical_too_many_occurrences_is_error(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:hourly@example.org
SUMMARY:Every hour
DTSTART:20240301T100000Z
DURATION:PT30M
RRULE:FREQ=HOURLY
END:VEVENT
"""
    result = _import(tmp_path, "hourly.ics", _calendar(events))
    assert _problems(result) == [
        "hourly.ics:4:1: event 'hourly@example.org' repeats more than 1000 times; "
        "end its RRULE with COUNT or UNTIL"]


def test_ical_minutely_rule_without_end_fails_at_once(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:minutely@example.org
SUMMARY:Every minute
DTSTART:20240301T100000Z
DURATION:PT1M
RRULE:FREQ=MINUTELY
END:VEVENT
"""
    started = time.perf_counter()
    result = _import(tmp_path, "minutely.ics", _calendar(events))
    assert time.perf_counter() - started < 2
    assert _problems(result) == [
        "minutely.ics:4:1: event 'minutely@example.org' repeats more than 1000 "
        "times; end its RRULE with COUNT or UNTIL"]


def test_ical_rdate_before_dtstart_is_imported(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:early@example.org
SUMMARY:Early
DTSTART:20240310T100000Z
DURATION:PT1H
RDATE:20240301T100000Z
END:VEVENT
"""
    result = _import(tmp_path, "early.ics", _calendar(events))
    assert [entry.start for entry in result.entries] == [
        datetime(2024, 3, 1, 10, tzinfo=UTC), datetime(2024, 3, 10, 10, tzinfo=UTC)]


@pytest.mark.parametrize("event,message", [
    ("BEGIN:VEVENT\nSUMMARY:No UID\nDTSTART:20240301T100000Z\n"
     "DTEND:20240301T110000Z\nEND:VEVENT\n",
     "bad.ics:4:1: the VEVENT has no UID"),
    ("BEGIN:VEVENT\nUID:back@x\nSUMMARY:Backwards\nDTSTART:20240301T100000Z\n"
     "DTEND:20240301T090000Z\nEND:VEVENT\n",
     "bad.ics:4:1: the session ends (2024-03-01T09:00:00+00:00) before it starts"),
    ("BEGIN:VEVENT\nUID:bad-start@x\nSUMMARY:Bad\nDTSTART:garbage\n"
     "DTEND:20240301T090000Z\nEND:VEVENT\n",
     "bad.ics:4:1: event 'bad-start@x': invalid DTSTART"),
    ("BEGIN:VEVENT\nUID:twice@x\nDTSTART:20240301T100000Z\nDTEND:20240301T110000Z\n"
     "END:VEVENT\nBEGIN:VEVENT\nUID:twice@x\nDTSTART:20240302T100000Z\n"
     "DTEND:20240302T110000Z\nEND:VEVENT\n",
     "bad.ics:9:1: duplicate UID 'twice@x' (first at line 4)"),
], ids=["no uid", "end before start", "invalid dtstart", "duplicate uid"])
def test_ical_event_errors(tmp_path: Path, event: str, message: str) -> None:
    result = _import(tmp_path, "bad.ics", _calendar(event))
    assert any(problem.startswith(message) for problem in _problems(result)), \
        _problems(result)


def test_ical_unknown_tzid_reads_venue_zone(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    events = """\
BEGIN:VEVENT
UID:mars@x
SUMMARY:Elsewhere
DTSTART;TZID=Mars/Olympus:20240610T090000
DTEND;TZID=Mars/Olympus:20240610T100000
END:VEVENT
"""
    with caplog.at_level(logging.WARNING):
        result = _import(tmp_path, "mars.ics", _calendar(events), SHANGHAI)
    assert result.entries[0].start.isoformat() == "2024-06-10T09:00:00+08:00"
    assert "mars.ics:4:1: warning: event 'mars@x' has unknown TZID 'Mars/Olympus'" \
        in caplog.text


def test_ical_syntax_error(tmp_path: Path) -> None:
    result = _import(tmp_path, "broken.ics", "BEGIN:VCALENDAR\nthis is not ical\n")
    problems = _problems(result)
    assert len(problems) == 1
    assert problems[0].startswith("broken.ics:")
    assert "invalid iCalendar" in problems[0]


def test_ical_no_duration_and_cancelled_skipped(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    events = """\
BEGIN:VEVENT
UID:instant@x
SUMMARY:Deadline
DTSTART:20240301T100000Z
END:VEVENT
BEGIN:VEVENT
UID:cancelled@x
SUMMARY:Cancelled
STATUS:CANCELLED
DTSTART:20240301T100000Z
DTEND:20240301T110000Z
END:VEVENT
"""
    with caplog.at_level(logging.WARNING):
        result = _import(tmp_path, "skip.ics", _calendar(events))
    assert result.entries == ()
    assert result.problems == ()
    assert "skip.ics:4:1: warning: skipped event 'instant@x'" in caplog.text
    assert "skip.ics:9:1: warning: skipped cancelled event 'cancelled@x'" in \
        caplog.text


# -- frab XML edge cases ---------------------------------------------------------------

FRAB_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <conference>
    <acronym>test</acronym>
    <time_zone_name>Europe/Berlin</time_zone_name>
  </conference>
  <day date="2024-12-27" index="1" start="2024-12-27T09:00:00+01:00">
    <room name="Saal Zwölf">
      <event guid="AAAA-1" id="1">
        <date>2024-12-27T10:00:00+01:00</date>
        <duration>00:45</duration>
        <room>Saal Zwölf</room>
        <title>Short</title>
        <persons><person id="7">Ada</person><person id="8">Grace</person></persons>
      </event>
      <event guid="bbbb-2" id="2">
        <date>2024-12-27T23:30:00+01:00</date>
        <duration>1:30</duration>
        <title>Across midnight</title>
        <abstract>Late.</abstract>
      </event>
{extra}    </room>
  </day>
</schedule>
"""


def test_frab_xml_durations_and_fields(tmp_path: Path) -> None:
    result = _import(tmp_path, "schedule.xml", FRAB_XML.format(extra=""))
    assert _problems(result) == []
    short, late = result.entries
    assert short.id == "aaaa-1"
    assert short.end - short.start == timedelta(minutes=45)
    assert short.speakers == ("Ada", "Grace")
    assert short.room == "Saal Zwölf"
    assert (short.origin.line, short.origin.column) == (9, 7)
    assert late.end.isoformat() == "2024-12-28T01:00:00+01:00"
    assert late.room == "Saal Zwölf"  # from the enclosing <room name>
    assert late.description == "Late."


def test_frab_xml_day_and_start_without_date(tmp_path: Path) -> None:
    extra = """\
      <event guid="cccc-3" id="3">
        <start>9:15</start>
        <duration>00:30</duration>
        <title>Morning</title>
      </event>
      <event guid="dddd-4" id="4">
        <start>01:00</start>
        <duration>01:00</duration>
        <title>After midnight</title>
      </event>
"""
    result = _import(tmp_path, "schedule.xml", FRAB_XML.format(extra=extra))
    assert _problems(result) == []
    starts = {entry.id: entry.start.isoformat() for entry in result.entries}
    # 09:15 is after the day's start at 09:00; 01:00 is before it, so next day.
    assert starts["cccc-3"] == "2024-12-27T09:15:00+01:00"
    assert starts["dddd-4"] == "2024-12-28T01:00:00+01:00"


@pytest.mark.parametrize("extra,message", [
    ('      <event guid="e-5" id="5">\n        <date>2024-12-27T12:00:00+01:00</date>\n'
     "        <duration>forty</duration>\n        <title>X</title>\n      </event>\n",
     "schedule.xml:22:7: invalid duration 'forty'; expected HH:MM"),
    ('      <event guid="e-6" id="6">\n        <date>2024-12-27T12:00:00+01:00</date>\n'
     "        <duration>00:00</duration>\n        <title>X</title>\n      </event>\n",
     "schedule.xml:22:7: the session ends (00:00 after its start) before it starts"),
    ('      <event guid="e-7" id="7">\n        <date>27.12.2024 12:00</date>\n'
     "        <duration>00:10</duration>\n        <title>X</title>\n      </event>\n",
     "schedule.xml:22:7: invalid date '27.12.2024 12:00'"),
    ('      <event id="">\n        <date>2024-12-27T12:00:00+01:00</date>\n'
     "        <duration>00:10</duration>\n        <title>X</title>\n      </event>\n",
     "schedule.xml:22:7: the event has no `guid`, `slug` or `id`"),
    ("      <event guid='x'>\n", "schedule.xml:23:7: invalid XML: mismatched tag"),
], ids=["duration", "zero duration", "date", "no id", "syntax"])
def test_frab_xml_errors(tmp_path: Path, extra: str, message: str) -> None:
    result = _import(tmp_path, "schedule.xml", FRAB_XML.format(extra=extra))
    problems = _problems(result)
    assert any(problem.startswith(message) for problem in problems), problems


def test_frab_xml_rejects_entities(tmp_path: Path) -> None:
    text = ('<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY a "aaaa">]>\n'
            "<schedule><day date='2024-12-27'><room name='r'>&a;</room></day>"
            "</schedule>\n")
    result = _import(tmp_path, "schedule.xml", text)
    assert _problems(result) == [
        "schedule.xml:1:1: XML entity declarations are not supported; remove the "
        "DOCTYPE's entities"]


def test_frab_xml_wrong_root(tmp_path: Path) -> None:
    result = _import(tmp_path, "schedule.xml", "<?xml version='1.0'?>\n<rss/>\n")
    assert _problems(result) == [
        "schedule.xml:2:1: not a frab schedule.xml: the root element is <rss>, "
        "expected <schedule>"]


# -- pretalx JSON edge cases -----------------------------------------------------------


def _pretalx(events: list[dict]) -> str:
    document = {"schedule": {"version": "1", "conference": {
        "acronym": "test", "title": "Test", "time_zone_name": "Europe/Berlin",
        "days": [{"index": 1, "date": "2024-06-10",
                  "day_start": "2024-06-10T08:00:00+02:00",
                  "rooms": {"Große Halle": events}}]}}}
    return json.dumps(document, indent=2, ensure_ascii=False)


def _event(**fields: object) -> dict:
    event = {"id": 1, "guid": "11111111-2222-3333-4444-555555555555",
             "date": "2024-06-10T10:00:00+02:00", "start": "10:00",
             "duration": "00:40", "room": "Große Halle", "slug": "ABC123",
             "title": "Talk", "abstract": "", "description": "Long text.",
             "persons": [{"public_name": "Ada"}, {"name": "Grace"}]}
    event.update(fields)
    return event


def test_pretalx_json_fields(tmp_path: Path) -> None:
    text = _pretalx([_event(), _event(guid=None, id=2, slug="DEF456",
                                      date="2024-06-10T11:00:00+02:00",
                                      duration="1:30", room=None)])
    result = _import(tmp_path, "schedule.json", text)
    assert _problems(result) == []
    talk, second = result.entries
    assert talk.id == "11111111-2222-3333-4444-555555555555"
    assert talk.description == "Long text."  # empty abstract falls back
    assert talk.speakers == ("Ada", "Grace")
    assert talk.end.isoformat() == "2024-06-10T10:40:00+02:00"
    assert second.id == "def456"  # no guid: made from the slug
    assert second.room == "Große Halle"  # from the rooms mapping
    assert second.end - second.start == timedelta(hours=1, minutes=30)
    lines = text.splitlines()
    assert lines[talk.origin.line - 1].strip() == "{"
    assert '"id": 1,' in lines[talk.origin.line]
    assert '"id": 2,' in lines[second.origin.line]


def test_pretalx_json_local_date_uses_time_zone_name(tmp_path: Path) -> None:
    text = _pretalx([_event(date="2024-06-10T10:00:00")])
    result = _import(tmp_path, "schedule.json", text, SHANGHAI)
    assert result.entries[0].start.isoformat() == "2024-06-10T10:00:00+02:00"


def test_pretalx_json_errors(tmp_path: Path) -> None:
    text = _pretalx([_event(duration="ninety"),
                     _event(guid="x-2", date="2024-03-31T02:30:00")])
    result = _import(tmp_path, "schedule.json", text)
    problems = _problems(result)
    assert len(problems) == 2
    assert problems[0].startswith("schedule.json:15:15: invalid duration 'ninety'")
    assert "local time 2024-03-31T02:30 does not exist in Europe/Berlin" in \
        problems[1]


@pytest.mark.parametrize("text,message", [
    ('{"schedule": {"conference": {"days": [}}}',
     "schedule.json:1:39: invalid JSON: Expecting value"),
    ("[1, 2]", "schedule.json:1:1: not a pretalx or frab schedule.json"),
    ('{"schedule": {"conference": {"days": [{"rooms": []}]}}}',
     "schedule.json:1:39: expected a day with `rooms`"),
], ids=["syntax", "not a schedule", "rooms list"])
def test_pretalx_json_structure_errors(tmp_path: Path, text: str,
                                       message: str) -> None:
    problems = _problems(_import(tmp_path, "schedule.json", text))
    assert any(problem.startswith(message) for problem in problems), problems


def test_pretalx_json_deep_nesting_is_error(tmp_path: Path) -> None:
    text = "[" * 100_000 + "]" * 100_000
    problems = _problems(_import(tmp_path, "schedule.json", text))
    assert problems == ["schedule.json:1:1: invalid JSON: nested too deeply for a "
                        "schedule"]


# -- merging ---------------------------------------------------------------------------


def _venue_with(tmp_path: Path, schedules: dict[str, str]) -> Path:
    files = dict(FILES)
    listed = ", ".join(["schedules/talks.yaml", *schedules])
    files["venues/test.yaml"] = files["venues/test.yaml"].replace(
        "schedules: [schedules/talks.yaml]", f"schedules: [{listed}]")
    files.update(schedules)
    return write_project(tmp_path, files)


def test_merge_same_guid_twice_is_error(tmp_path: Path) -> None:
    xml = FRAB_XML.format(extra="")
    json_text = _pretalx([_event(guid="AAAA-1")])
    venue = _venue_with(tmp_path, {"schedules/a.xml": xml,
                                   "schedules/b.json": json_text})
    with pytest.raises(InvalidVenue) as caught:
        load_venue(venue)
    messages = [str(problem) for problem in caught.value.problems]
    assert len(messages) == 1
    assert "b.json:15:15: duplicate session 'aaaa-1' (first at " in messages[0]
    assert "a.xml:9:7)" in messages[0]


def test_merge_equal_ids_get_suffixes(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:talk@x
SUMMARY:One
DTSTART:20200622T020000Z
DTEND:20200622T030000Z
END:VEVENT
BEGIN:VEVENT
UID:talk.x
SUMMARY:Two
DTSTART:20200622T040000Z
DTEND:20200622T050000Z
END:VEVENT
BEGIN:VEVENT
UID:TALK X
SUMMARY:Three
DTSTART:20200622T060000Z
DTEND:20200622T070000Z
END:VEVENT
"""
    venue = load_venue(_venue_with(tmp_path, {"schedules/c.ics": _calendar(events)}))
    titles = {s.id: s.title["en"] for s in venue.sessions}
    assert titles["talk-x"] == "One"
    assert titles["talk-x-2"] == "Two"
    assert titles["talk-x-3"] == "Three"


def test_merge_yaml_id_clash_is_error(tmp_path: Path) -> None:
    events = """\
BEGIN:VEVENT
UID:opening
SUMMARY:Imported opening
DTSTART:20200622T020000Z
DTEND:20200622T030000Z
END:VEVENT
"""
    venue = _venue_with(tmp_path, {"schedules/c.ics": _calendar(events)})
    with pytest.raises(InvalidVenue) as caught:
        load_venue(venue)
    messages = [str(problem) for problem in caught.value.problems]
    assert len(messages) == 1
    assert "c.ics:4:1: session id 'opening' is also the id of the session at " in \
        messages[0]
    assert "talks.yaml:2:5" in messages[0]


def test_merge_overlap_warning_names_both(tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    events = """\
BEGIN:VEVENT
UID:clash@x
SUMMARY:Clash
LOCATION:main
DTSTART:20200622T020000Z
DTEND:20200622T023000Z
END:VEVENT
"""
    venue_file = _venue_with(tmp_path, {"schedules/c.ics": _calendar(events)})
    with caplog.at_level(logging.WARNING):
        venue = load_venue(venue_file)
    assert len(venue.sessions) == 3
    overlaps = [r.getMessage() for r in caplog.records if "overlaps" in r.getMessage()]
    assert len(overlaps) == 1
    assert "c.ics:4:1: warning: session 'clash-x' overlaps session 'opening' (" in \
        overlaps[0]
    assert "talks.yaml:2:5) on channel 'main'" in overlaps[0]


def test_merge_end_before_start_in_yaml(tmp_path: Path) -> None:
    files = dict(FILES)
    files["schedules/talks.yaml"] = files["schedules/talks.yaml"].replace(
        'end: "2020-06-22T10:30"', 'end: "2020-06-22T09:30"')
    with pytest.raises(InvalidVenue, match=r"talks.yaml:6:10: the session ends"):
        load_venue(write_project(tmp_path, files))


def test_empty_schedule_warns(tmp_path: Path,
                              caplog: pytest.LogCaptureFixture) -> None:
    venue_file = _venue_with(tmp_path, {"schedules/empty.ics": _calendar()})
    with caplog.at_level(logging.WARNING):
        venue = load_venue(venue_file)
    assert len(venue.sessions) == 2
    assert "empty.ics: warning: the schedule has no sessions" in caplog.text


def test_schedule_with_unknown_suffix(tmp_path: Path) -> None:
    venue = _venue_with(tmp_path, {"schedules/c.csv": "id,start\n"})
    with pytest.raises(InvalidVenue, match="has an unsupported file type; expected "
                       ".yaml, .yml, .ics, .json, .xml"):
        load_venue(venue)


@pytest.mark.parametrize("times,count", [
    ([("a", 0, 60), ("b", 60, 120)], 0),
    ([("a", 0, 60), ("b", 59, 120)], 1),
    ([("a", 0, 180), ("b", 30, 60), ("c", 90, 120)], 2),
], ids=["back to back", "one minute", "inside a long one"])
def test_find_overlaps(times: list[tuple[str, int, int]], count: int) -> None:
    from dataclasses import dataclass

    @dataclass
    class Slot:
        id: str
        channel: str
        start: datetime
        end: datetime

    base = datetime(2024, 1, 1, tzinfo=UTC)
    slots = [Slot(name, "main", base + timedelta(minutes=start),
                  base + timedelta(minutes=end)) for name, start, end in times]
    slots.append(Slot("other", "second", base, base + timedelta(hours=5)))
    assert len(find_overlaps(slots)) == count
