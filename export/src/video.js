// Session video in a panel: HLS (.m3u8) through the browser's own player
// where it has one, else through hls.js (loaded only when needed); other
// video files through <video> directly. When the video cannot load, the
// poster and an error note replace it. Nothing here blocks the page: every
// step is asynchronous and every failure ends in `onFailure`.

import { el, webUrl } from './dom.js';

const HLS_PATH = /\.m3u8$/i;
const VIDEO_PATH = /\.(mp4|m4v|webm|ogv|mov)$/i;
const HLS_WORKER = 'vendor/hls.js/dist/hls.worker.js';

/** Return 'hls', 'file' or 'page' for a stream or replay URL (assumed http/https). */
export function videoKind(url) {
  const path = new URL(url).pathname;
  if (HLS_PATH.test(path)) return 'hls';
  if (VIDEO_PATH.test(path)) return 'file';
  return 'page';
}

/**
 * Play `url` in a new <video> inside `container`. `onFailure(reason)` is
 * called at most once, after the player has been torn down. Returns a
 * handle whose `destroy()` stops playback and frees the stream.
 */
export function playVideo(container, { url, poster, label, unsupportedText, onFailure }) {
  const video = el('video', {
    className: 'session-video',
    attrs: { controls: true, playsinline: true, preload: 'metadata', 'aria-label': label },
  });
  if (poster) video.poster = poster;
  container.append(video);

  let hls = null;
  let finished = false;
  const destroy = () => {
    if (finished) return;
    finished = true;
    hls?.destroy();
    hls = null;
    video.pause();
    video.removeAttribute('src');
    video.load();
    video.remove();
  };
  const fail = (reason) => {
    if (finished) return;
    destroy();
    onFailure(reason);
  };
  video.addEventListener('error', () => {
    fail(video.error?.message || `media error ${video.error?.code ?? ''}`.trim());
  });

  const safe = webUrl(url);
  if (safe === null) {
    queueMicrotask(() => fail('not an http or https URL'));
    return { destroy, video };
  }
  const start = () => video.play().catch((error) => {
    // Autoplay may be refused; the controls still let the visitor start it.
    if (error.name !== 'NotAllowedError' && error.name !== 'AbortError') fail(error.message);
  });

  if (videoKind(safe) !== 'hls' || video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = safe;
    start();
    return { destroy, video };
  }
  import('hls.js').then(({ default: Hls }) => {
    if (finished) return;
    if (!Hls.isSupported()) {
      fail(unsupportedText);
      return;
    }
    hls = new Hls({ workerPath: HLS_WORKER, enableWorker: true });
    hls.on(Hls.Events.ERROR, (event, data) => {
      if (data.fatal) fail(data.details || data.type);
    });
    hls.on(Hls.Events.MANIFEST_PARSED, start);
    hls.loadSource(safe);
    hls.attachMedia(video);
  }).catch((error) => fail(`hls.js did not load: ${error.message}`));
  return { destroy, video };
}
