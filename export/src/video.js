// Session video: HLS (.m3u8) through the browser's own player where it has
// one, else through hls.js (loaded only when needed); other video files
// through <video> directly. `attachSource` does this for any <video>: the
// panel's player below and the screens in the 3D view (screens.js). Nothing
// here blocks the page: every step is asynchronous and every failure ends in
// `onFailure`.

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
 * Load `url` into `video`. `onReady()` is called once playback can be
 * requested, `onProgress()` (optional) whenever data arrives, and
 * `onFailure(reason)` at most once, when the URL is not http or https, the
 * video reports an error, hls.js reports a fatal error or cannot run here
 * (`unsupportedText`). Returns a handle whose `detach()` stops loading and
 * leaves `video` empty; after it no callback runs.
 */
export function attachSource(video, url, { onReady, onFailure, onProgress, unsupportedText }) {
  let hls = null;
  let detached = false;
  const progress = () => { if (!detached) onProgress?.(); };
  const fail = (reason) => {
    if (detached) return;
    detach();
    onFailure(reason);
  };
  const onError = () => {
    fail(video.error?.message || `media error ${video.error?.code ?? ''}`.trim());
  };
  const detach = () => {
    if (detached) return;
    detached = true;
    video.removeEventListener('error', onError);
    video.removeEventListener('progress', progress);
    video.removeEventListener('loadedmetadata', progress);
    hls?.destroy();
    hls = null;
    video.pause();
    video.removeAttribute('src');
    video.load();
  };
  video.addEventListener('error', onError);
  video.addEventListener('progress', progress);
  video.addEventListener('loadedmetadata', progress);

  const safe = webUrl(url);
  if (safe === null) {
    queueMicrotask(() => fail('not an http or https URL'));
    return { detach };
  }
  if (videoKind(safe) !== 'hls' || video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = safe;
    queueMicrotask(() => { if (!detached) onReady(); });
    return { detach };
  }
  import('hls.js').then(({ default: Hls }) => {
    if (detached) return;
    if (!Hls.isSupported()) {
      fail(unsupportedText);
      return;
    }
    hls = new Hls({ workerPath: HLS_WORKER, enableWorker: true });
    hls.on(Hls.Events.ERROR, (event, data) => {
      if (data.fatal) fail(data.details || data.type);
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => { if (!detached) onReady(); });
    hls.on(Hls.Events.MANIFEST_LOADED, progress);
    hls.on(Hls.Events.FRAG_LOADED, progress);
    hls.loadSource(safe);
    hls.attachMedia(video);
  }).catch((error) => fail(`hls.js did not load: ${error.message}`));
  return { detach };
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

  let finished = false;
  let source = null;
  const destroy = () => {
    if (finished) return;
    finished = true;
    source.detach();
    video.remove();
  };
  const fail = (reason) => {
    if (finished) return;
    destroy();
    onFailure(reason);
  };
  const start = () => video.play().catch((error) => {
    // Autoplay may be refused; the controls still let the visitor start it.
    if (error.name !== 'NotAllowedError' && error.name !== 'AbortError') fail(error.message);
  });
  source = attachSource(video, url, { onReady: start, onFailure: fail, unsupportedText });
  return { destroy, video };
}
