"""The viewer's own interface text, in each language it ships."""

from __future__ import annotations

from collections.abc import Mapping

from .bundle_reader import Text

__all__ = ["UI_TEXT", "ui_text"]

UI_TEXT: Mapping[str, Text] = {
    "close": {"en": "Close", "zh": "关闭"},
    "go_scene": {"en": "Go to {name}", "zh": "前往 {name}"},
    "go_viewpoint": {"en": "Go to {name}", "zh": "前往 {name}"},
    "open_link": {"en": "Open link", "zh": "打开链接"},
    "watch_live": {"en": "Watch live", "zh": "观看直播"},
    "watch_replay": {"en": "Watch replay", "zh": "观看回放"},
    "status_upcoming": {"en": "Upcoming", "zh": "即将开始"},
    "starts_in": {"en": "Starts in {time}", "zh": "{time}后开始"},
    "status_live": {"en": "Live now", "zh": "正在直播"},
    "status_replay": {"en": "Ended, replay available", "zh": "已结束，可看回放"},
    "status_ended": {"en": "Ended", "zh": "已结束"},
    "speakers": {"en": "Speakers: {names}", "zh": "嘉宾：{names}"},
    "list_separator": {"en": ", ", "zh": "、"},
    "scenes": {"en": "Scenes", "zh": "场景"},
    "viewpoints": {"en": "Viewpoints", "zh": "视点"},
    "mode_orbit": {"en": "Orbit", "zh": "环绕"},
    "mode_walk": {"en": "Walk", "zh": "漫游"},
    "tour_playing": {"en": "Tour: {name}", "zh": "导览：{name}"},
    "help_hint": {"en": "H: help", "zh": "H：帮助"},
    "venue_time": {"en": "Venue time ({zone}): {time}",
                   "zh": "会场时间（{zone}）：{time}"},
    "your_time": {"en": "Your time ({zone}): {time}",
                  "zh": "您的时间（{zone}）：{time}"},
    "add_calendar": {"en": "Add to calendar", "zh": "添加到日历"},
    "calendar_saved": {"en": "Calendar file saved: {path}",
                       "zh": "日历文件已保存：{path}"},
    "calendar_failed": {"en": "Could not save the calendar file: {error}",
                        "zh": "无法保存日历文件：{error}"},
    "screen_replay": {"en": "Replay", "zh": "回放"},
    "clock_moved": {"en": "moved {offset}", "zh": "已调 {offset}"},
    "feed_on": {"en": "Feed: on", "zh": "状态源：在线"},
    "feed_off": {"en": "Feed: offline, using the schedule",
                 "zh": "状态源：离线，按日程"},
    "mode_designer": {"en": "Designer", "zh": "设计模式"},
    "designer_title": {"en": "Designer mode (P: leave)", "zh": "设计模式（P：退出）"},
    "designer_hotspot_key": {"en": "Click or C: copy a hotspot here",
                             "zh": "点击或 C：复制此处的热点"},
    "designer_viewpoint_key": {
        "en": "V: copy a viewpoint from the camera, looking here",
        "zh": "V：复制从相机看向此处的视点",
    },
    "designer_point": {"en": "Point {point}  normal {normal}  on {owner}",
                       "zh": "位置 {point}  法线 {normal}  物体 {owner}"},
    "designer_no_surface": {"en": "No surface under the cursor",
                            "zh": "光标下没有表面"},
    "designer_copied": {"en": "Copied to the clipboard ({tool}) and printed:",
                        "zh": "已复制到剪贴板（{tool}）并输出："},
    "designer_printed": {"en": "No clipboard tool (xclip, xsel, wl-copy) found; "
                         "printed to stdout:",
                         "zh": "未找到剪贴板工具（xclip、xsel、wl-copy）；已输出到标准输出："},
    "designer_appended": {"en": "Appended to {path}", "zh": "已追加到 {path}"},
    "designer_append_failed": {"en": "Could not append to {path}: {error}",
                               "zh": "无法追加到 {path}：{error}"},
    "watch_on": {"en": "Watching files", "zh": "正在监视文件"},
    "watch_building": {"en": "Rebuilding…", "zh": "正在重新构建…"},
    "watch_problems": {"en": "Problems: {count}", "zh": "问题：{count}"},
    "problems_heading": {"en": "The venue has problems; fix them and save",
                         "zh": "场馆有问题，请修正后保存"},
    "problems_more": {"en": "… and {count} more; the log lists every problem",
                      "zh": "……还有 {count} 个问题，日志中列出全部"},
}


def ui_text(key: str, lang: str, **values: str) -> str:
    """Return interface text `key` in `lang` (else English), filled with `values`."""
    entry = UI_TEXT[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values)
