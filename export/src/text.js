// Text in the visitor's language: bundle text mappings and the player's own
// interface strings. Every string here ends up in textContent, never in HTML.

/** Names of languages in their own script, for the language switch. */
export const LANGUAGE_NAMES = { zh: '中文', en: 'English' };

/** The player's interface strings; `{name}` placeholders are filled by uiText. */
export const UI_TEXT = {
  en: {
    skip_to_hotspots: 'Skip to the hotspot list',
    scenes: 'Scenes',
    hotspots: 'Hotspots',
    hotspots_in: 'Hotspots in {scene}',
    no_hotspots: 'This scene has no hotspots.',
    viewpoints: 'Viewpoints',
    tours: 'Guided tours',
    language: 'Language',
    close: 'Close',
    close_panel: 'Close the panel',
    go_scene: 'Go to {name}',
    go_viewpoint: 'Go to {name}',
    open_link: 'Open link',
    open_stream_page: 'Open the stream page',
    watch_live: 'Watch live',
    watch_replay: 'Watch replay',
    status_upcoming: 'Upcoming',
    status_live: 'Live now',
    status_replay: 'Ended, replay available',
    status_ended: 'Ended',
    starts_in: 'Starts in {time}',
    days_hours: '{days} d {hours} h',
    speakers: 'Speakers: {names}',
    channel: 'Channel: {name}',
    kind_scene: 'Scene',
    kind_viewpoint: 'Viewpoint',
    kind_url: 'Web link',
    link_blocked: 'This link was not opened: only http and https links are allowed.',
    video_failed: 'The video could not be played ({reason}).',
    video_unsupported: 'this browser cannot play HLS video',
    loading_scene: 'Loading {name}',
    load_failed: 'Could not load {name}.',
    retry: 'Try again',
    now_in: 'Now in {scene}. {count} hotspots.',
    now_in_one: 'Now in {scene}. 1 hotspot.',
    share: 'Share',
    share_scene: 'Share this scene',
    share_link: 'Link',
    copy_link: 'Copy link',
    copied: 'Copied',
    qr_alt: 'QR code of the link {url}',
    download_qr: 'Download the QR code (PNG)',
    start_tour: 'Start the tour {name}',
    stop_tour: 'Stop tour',
    tour_stop: 'Stop {index} of {count}',
    enter_vr: 'Enter VR',
    exit_vr: 'Exit VR',
    clock: 'Venue time',
    preview: 'preview',
    bad_at: 'Ignored at={value}: it is not an ISO 8601 time such as '
      + '2020-06-23T14:05+08:00.',
    view_label: '3D view of {scene}. Drag to look around, scroll or pinch to '
      + 'zoom, arrow keys to move.',
    show_list: 'Show list',
    hide_list: 'Hide list',
    no_webgl: 'This browser cannot show the 3D view (WebGL is unavailable). '
      + 'The lists and panels still work.',
    bad_tour: 'Could not open the tour: {reason}',
    poster_alt: 'Poster of {name}',
    screens: 'Screens',
    screen_detail: '{status}: {title}',
    screen_replay: 'Replay',
    screen_no_session: 'No session scheduled',
    screen_connecting: 'Connecting…',
    screen_retrying: 'Trying again…',
    screen_failed: 'The video could not be loaded. It will be tried again shortly.',
    screen_blocked: 'The browser paused the video. Click or tap the page to start it.',
    screen_in_panel: 'Click the screen to watch.',
    screen_sound_on: 'Turn on the screen sound',
    screen_sound_off: 'Turn off the screen sound',
    designer: 'Designer',
    designer_on: 'Designer mode on. Click a surface to copy a hotspot, press V to copy a viewpoint.',
    designer_off: 'Designer mode off.',
    designer_readout: 'Point {point} · normal {normal} (x, y, z in metres, Z up)',
    designer_snippet: 'Snippet',
    designer_copied: 'Copied to the clipboard.',
    designer_select: 'Not copied: select the text and copy it.',
    designer_no_surface: 'No surface under the cursor.',
  },
  zh: {
    skip_to_hotspots: '跳到热点列表',
    scenes: '场景',
    hotspots: '热点',
    hotspots_in: '{scene}的热点',
    no_hotspots: '此场景没有热点。',
    viewpoints: '视点',
    tours: '导览',
    language: '语言',
    close: '关闭',
    close_panel: '关闭面板',
    go_scene: '前往 {name}',
    go_viewpoint: '前往 {name}',
    open_link: '打开链接',
    open_stream_page: '打开直播页面',
    watch_live: '观看直播',
    watch_replay: '观看回放',
    status_upcoming: '即将开始',
    status_live: '正在直播',
    status_replay: '已结束，可看回放',
    status_ended: '已结束',
    starts_in: '{time}后开始',
    days_hours: '{days}天{hours}小时',
    speakers: '嘉宾：{names}',
    channel: '频道：{name}',
    kind_scene: '场景',
    kind_viewpoint: '视点',
    kind_url: '网页链接',
    link_blocked: '未打开此链接：只允许 http 和 https 链接。',
    video_failed: '无法播放视频（{reason}）。',
    video_unsupported: '此浏览器无法播放 HLS 视频',
    loading_scene: '正在加载 {name}',
    load_failed: '无法加载 {name}。',
    retry: '重试',
    now_in: '当前场景：{scene}，共 {count} 个热点。',
    now_in_one: '当前场景：{scene}，共 1 个热点。',
    share: '分享',
    share_scene: '分享此场景',
    share_link: '链接',
    copy_link: '复制链接',
    copied: '已复制',
    qr_alt: '链接 {url} 的二维码',
    download_qr: '下载二维码（PNG）',
    start_tour: '开始导览：{name}',
    stop_tour: '停止导览',
    tour_stop: '第 {index} 站，共 {count} 站',
    enter_vr: '进入 VR',
    exit_vr: '退出 VR',
    clock: '会场时间',
    preview: '预览',
    bad_at: '已忽略 at={value}：它不是 ISO 8601 时间，例如 2020-06-23T14:05+08:00。',
    view_label: '{scene}的三维视图。拖动环顾四周，滚轮或双指缩放，方向键移动。',
    show_list: '显示列表',
    hide_list: '隐藏列表',
    no_webgl: '此浏览器无法显示三维视图（WebGL 不可用）。列表和面板仍可使用。',
    bad_tour: '无法打开导览：{reason}',
    poster_alt: '{name}的海报',
    screens: '屏幕',
    screen_detail: '{status}：{title}',
    screen_replay: '回放',
    screen_no_session: '暂无场次',
    screen_connecting: '正在连接…',
    screen_retrying: '正在重试…',
    screen_failed: '视频无法加载，稍后将自动重试。',
    screen_blocked: '浏览器暂停了视频。点击页面即可播放。',
    screen_in_panel: '点击屏幕观看。',
    screen_sound_on: '打开屏幕声音',
    screen_sound_off: '关闭屏幕声音',
    designer: '设计模式',
    designer_on: '设计模式已开启。点击表面复制热点，按 V 复制视点。',
    designer_off: '设计模式已关闭。',
    designer_readout: '点 {point} · 法线 {normal}（x, y, z，单位米，Z 轴向上）',
    designer_snippet: '片段',
    designer_copied: '已复制到剪贴板。',
    designer_select: '未复制：请选中文本后复制。',
    designer_no_surface: '光标下没有表面。',
  },
};

/**
 * Return `text` (a mapping from language code to string) in `lang`, else in
 * the venue's first language, else any non-empty entry, else ''.
 */
export function pickText(text, lang, languages = []) {
  if (typeof text === 'string') return text;
  if (text === null || typeof text !== 'object') return '';
  for (const code of [lang, languages[0]]) {
    if (code && typeof text[code] === 'string' && text[code]) return text[code];
  }
  for (const value of Object.values(text)) {
    if (typeof value === 'string' && value) return value;
  }
  return '';
}

/** Return interface string `key` in `lang` (else English) with `values` filled in. */
export function uiText(key, lang, values = {}) {
  const template = UI_TEXT[lang]?.[key] ?? UI_TEXT.en[key] ?? key;
  // A replacer function, so `$&` and the like in values stay literal.
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    (name in values ? String(values[name]) : whole));
}

/**
 * Return the language to show: `requested` when the venue has it, else the
 * first of the browser's languages that the venue has, else the venue's first.
 */
export function chooseLanguage(requested, languages, browserLanguages = []) {
  const available = languages.length ? languages : ['en'];
  const primary = (code) => String(code || '').toLowerCase().split('-')[0];
  if (requested && available.includes(primary(requested))) return primary(requested);
  for (const code of browserLanguages) {
    if (available.includes(primary(code))) return primary(code);
  }
  return available[0];
}
