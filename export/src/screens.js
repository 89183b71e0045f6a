// Screens in the 3D view. A scene's `screens` entry names a node
// `screen_<id>` whose mesh has a frame and a picture; the picture's material
// is named like the node. Each screen shows its channel's programme: the live
// session's stream, else the next session's poster and countdown, else the
// last replay, else a card saying that nothing is scheduled.
//
// The picture gets an unlit material of the same name whose `map` is either
// a VideoTexture or a canvas card (card.js), so it shows the video's colours
// as a display would, whatever the scene's lights. A video that reports an
// error, or shows no frame before one of the timeouts below, gives way to the
// session's card with a note, and is tried again after RETRY_DELAYS_S.

import {
  CanvasTexture,
  FrontSide,
  LinearFilter,
  LinearMipmapLinearFilter,
  MeshBasicMaterial,
  SRGBColorSpace,
  Vector3,
  VideoTexture,
} from 'three';
import { cardSize, drawCard } from './card.js';
import { formatCountdown, formatSessionTime } from './clock.js';
import { bundleUrl, webUrl } from './dom.js';
import { MARKER_COLORS } from './markers.js';
import { timeToStart } from './sessions.js';
import { attachSource, videoKind } from './video.js';

// A video fails when it shows no first frame and receives no data for
// IDLE_TIMEOUT_MS, or shows no first frame within FIRST_FRAME_TIMEOUT_MS
// even though data arrives (a slow link gets the longer time).
const IDLE_TIMEOUT_MS = 12000;
const FIRST_FRAME_TIMEOUT_MS = 60000;
/**
 * Seconds to wait before each new try after a failure; the last one
 * repeats. The desktop viewer waits as long (15 s, doubling up to 120 s).
 */
export const RETRY_DELAYS_S = [15, 30, 60, 120];
const FALLBACK_FRAME_MS = 1000 / 30; // redraws per second where rVFC is missing

const BADGES = {
  live: { key: 'status_live', color: MARKER_COLORS.live, dark: false },
  upcoming: { key: 'status_upcoming', color: MARKER_COLORS.upcoming, dark: true },
  replay: { key: 'screen_replay', color: MARKER_COLORS.replay, dark: true },
};

/** Return the mesh of `node` that shows the picture: material `name`, else the second primitive. */
function findPicture(node, name) {
  const meshes = [];
  node.traverse((object) => { if (object.isMesh) meshes.push(object); });
  return meshes.find((mesh) => mesh.material?.name === name) ?? meshes[1] ?? null;
}

/** Return the picture's width / height in its own plane (local X and Y, as glTF's -Z faces out). */
function pictureAspect(mesh) {
  mesh.geometry.computeBoundingBox();
  const size = mesh.geometry.boundingBox.getSize(new Vector3());
  const scale = mesh.getWorldScale(new Vector3());
  const width = Math.abs(size.x * scale.x);
  const height = Math.abs(size.y * scale.y);
  return width > 0 && height > 0 ? width / height : 16 / 9;
}

/**
 * A muted, looping <video> that plays `url` for one screen. `onFrame` runs
 * for every new frame, `onFailure(reason)` at most once, and `onBlocked`
 * when the browser rejects play() until the visitor clicks or presses a key.
 *
 * NOTE: only the first frame is timed. A video that stalls later keeps its
 * last frame on the picture until it reports an error (hls.js reports a
 * fatal one once its own retries run out).
 */
class ScreenStream {
  constructor(url, { unsupportedText, onFrame, onFailure, onBlocked }) {
    const video = document.createElement('video');
    video.muted = true;
    video.defaultMuted = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    // Without CORS approval from the stream's host, WebGL may not read the frames.
    video.crossOrigin = 'anonymous';
    video.loop = true;
    video.preload = 'auto';
    this.video = video;
    this.texture = null;
    this.callbacks = { onFrame, onFailure, onBlocked };
    this.closed = false;
    this.paused = false;
    this.blocked = false;
    this.timer = null;
    this.deadline = performance.now() + FIRST_FRAME_TIMEOUT_MS;
    this.frameRequest = null; // requestVideoFrameCallback's id
    this.interval = null; // the polling timer where that is missing
    this.source = attachSource(video, url, {
      onReady: () => this.play(),
      onFailure: (reason) => this.fail(reason),
      onProgress: () => { if (!this.paused && !this.blocked) this.startTimer(); },
      unsupportedText,
    });
    this.startTimer();
    this.watchFrames();
  }

  get hasFrame() {
    return this.texture !== null;
  }

  /** (Re)start the timeout that fails a video without a first frame. */
  startTimer() {
    clearTimeout(this.timer);
    if (this.hasFrame || this.closed) return;
    const left = this.deadline - performance.now();
    const reason = left <= IDLE_TIMEOUT_MS
      ? `no picture within ${FIRST_FRAME_TIMEOUT_MS / 1000} s`
      : `no data or picture for ${IDLE_TIMEOUT_MS / 1000} s`;
    this.timer = setTimeout(() => this.fail(reason), Math.max(Math.min(left, IDLE_TIMEOUT_MS), 0));
  }

  play() {
    if (this.closed || this.paused) return;
    this.video.play().then(() => {
      if (!this.blocked) return;
      this.blocked = false;
      this.startTimer();
    }).catch((error) => {
      if (this.closed) return;
      if (error.name === 'NotAllowedError') {
        // Waiting for a gesture is not a failure, so the timeout stops.
        clearTimeout(this.timer);
        this.blocked = true;
        this.callbacks.onBlocked();
      } else if (error.name !== 'AbortError') {
        this.fail(error.message);
      }
    });
  }

  watchFrames() {
    const video = this.video;
    if ('requestVideoFrameCallback' in video) {
      const onVideoFrame = () => {
        if (this.closed) return;
        this.frame();
        this.frameRequest = video.requestVideoFrameCallback(onVideoFrame);
      };
      this.frameRequest = video.requestVideoFrameCallback(onVideoFrame);
    } else {
      this.interval = setInterval(() => {
        if (!video.paused && video.readyState >= video.HAVE_CURRENT_DATA) this.frame();
      }, FALLBACK_FRAME_MS);
    }
  }

  frame() {
    if (!this.texture) {
      clearTimeout(this.timer);
      const texture = new VideoTexture(this.video);
      texture.colorSpace = SRGBColorSpace;
      texture.flipY = false; // glTF UVs have (0, 0) at the image's top left
      texture.needsUpdate = true;
      this.texture = texture;
    }
    this.callbacks.onFrame();
  }

  /** Pause while the page is hidden; `resume` plays on. */
  pause() {
    this.paused = true;
    clearTimeout(this.timer);
    this.video.pause();
  }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    this.deadline = performance.now() + FIRST_FRAME_TIMEOUT_MS;
    this.startTimer();
    this.play();
  }

  fail(reason) {
    if (this.closed) return;
    this.destroy();
    this.callbacks.onFailure(reason);
  }

  destroy() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.interval);
    if (this.frameRequest !== null) this.video.cancelVideoFrameCallback(this.frameRequest);
    this.source.detach();
    this.texture?.dispose();
  }
}

/** One screen: its picture mesh, card, stream and retry state. */
class Screen {
  constructor(set, info, node, mesh) {
    this.set = set;
    this.player = set.player;
    this.info = info;
    this.node = node;
    this.mesh = mesh;
    this.original = mesh.material;
    this.material = new MeshBasicMaterial({
      name: mesh.material?.name ?? node.name,
      side: mesh.material?.side ?? FrontSide,
      toneMapped: false,
    });
    mesh.material = this.material;

    this.canvas = document.createElement('canvas');
    Object.assign(this.canvas, cardSize(pictureAspect(mesh)));
    this.cardTexture = new CanvasTexture(this.canvas);
    this.cardTexture.colorSpace = SRGBColorSpace;
    this.cardTexture.flipY = false;
    this.cardTexture.minFilter = LinearMipmapLinearFilter;
    this.cardTexture.magFilter = LinearFilter;
    this.cardKey = null;
    this.card = null;

    this.key = null;
    this.programme = { kind: 'none', session: null, safe: null, playable: null };
    this.stream = null;
    this.failures = 0;
    this.retryAt = null; // performance.now() of the next try, while waiting
    this.lastError = null;
  }

  /** Follow the channel's programme; start, stop or retry the stream; redraw the card. */
  update() {
    const player = this.player;
    const { kind, session } = player.screenProgramme(this.info);
    const link = kind === 'live' || kind === 'replay' ? player.sessionLink(session, kind) : null;
    const safe = webUrl(link);
    const playable = safe !== null && videoKind(safe) !== 'page' ? safe : null;
    const key = `${kind}|${session?.id ?? ''}|${playable ?? ''}`;
    if (key !== this.key) {
      this.key = key;
      this.stopStream();
      this.failures = 0;
      this.retryAt = null;
      this.lastError = null;
      this.programme = { kind, session, safe, playable };
    }
    const due = this.retryAt === null || performance.now() >= this.retryAt;
    if (playable && !this.stream && this.set.active && due) this.startStream();
    this.show();
  }

  // NOTE: two screens of a scene that show the same URL load it twice.
  startStream() {
    this.stopStream();
    this.retryAt = null;
    const url = this.programme.playable;
    this.stream = new ScreenStream(url, {
      unsupportedText: this.player.ui('video_unsupported'),
      onFrame: () => this.onFrame(),
      onFailure: (reason) => this.onFailure(url, reason),
      onBlocked: () => this.show(),
    });
  }

  stopStream() {
    this.stream?.destroy();
    this.stream = null;
  }

  onFrame() {
    if (this.failures) {
      console.info(`screen ${this.info.id}: ${this.programme.playable} plays again`);
      this.failures = 0;
      this.lastError = null;
    }
    if (this.material.map !== this.stream.texture) this.show();
    this.invalidateIfSeen();
  }

  /**
   * Request a frame when the picture may be on screen. Off screen, a new
   * video frame or card waits for the next frame that something else
   * requests, such as a camera move, so that hidden screens cost no rendering.
   */
  invalidateIfSeen() {
    if (this.set.stage.inView(this.mesh)) this.set.stage.invalidate();
  }

  onFailure(url, reason) {
    this.stream = null;
    const delay = RETRY_DELAYS_S[Math.min(this.failures, RETRY_DELAYS_S.length - 1)];
    this.failures += 1;
    this.lastError = reason;
    this.retryAt = performance.now() + delay * 1000;
    // Only the first failure in a row is a warning, so a dead stream does not flood the console.
    const log = this.failures === 1 ? console.warn : console.info;
    log(`screen ${this.info.id}: ${url} failed (${reason}); try ${this.failures + 1} in ${delay} s`);
    this.show();
  }

  /** Put the video on the picture once it has a frame, else the card. */
  show() {
    let texture = this.cardTexture;
    let changed = false;
    if (this.stream?.hasFrame) texture = this.stream.texture;
    else changed = this.redrawCard();
    if (this.material.map !== texture) {
      this.material.map = texture;
      this.material.needsUpdate = true;
      changed = true;
    }
    if (changed) this.invalidateIfSeen();
  }

  /** Return the note under the card's text: why no video shows, or null. */
  note() {
    const player = this.player;
    const { safe, playable } = this.programme;
    if (this.stream?.blocked) return { text: player.ui('screen_blocked'), error: false };
    // The note does not count down to the next try: a card that stays the
    // same costs no rendering.
    if (this.retryAt !== null) return { text: player.ui('screen_failed'), error: true };
    if (this.stream) {
      const key = this.failures ? 'screen_retrying' : 'screen_connecting';
      return { text: player.ui(key), error: false };
    }
    // A web page cannot play on a screen, so the panel links to it.
    if (safe && !playable) return { text: player.ui('screen_in_panel'), error: false };
    return null;
  }

  /** Return what the card shows now (see card.js `drawCard`), without the poster image. */
  cardContent() {
    const player = this.player;
    const { kind, session } = this.programme;
    const channel = player.channels.get(this.info.channel);
    const heading = player.text(this.info.title) || player.text(channel?.title) || this.info.id;
    if (!session) {
      return { heading, badge: null, message: player.ui('screen_no_session'), lang: player.lang };
    }
    const badge = BADGES[kind];
    let detail;
    if (kind === 'upcoming') {
      const left = formatCountdown(timeToStart(session, player.clock.now()),
        (days, hours) => player.ui('days_hours', { days, hours }));
      detail = player.ui('starts_in', { time: left });
    } else {
      detail = formatSessionTime(Date.parse(session.start), Date.parse(session.end),
        player.timeZone);
    }
    const note = this.note();
    return {
      heading,
      badge: { text: player.ui(badge.key), color: badge.color, dark: badge.dark },
      title: player.text(session.title) || session.id,
      detail,
      detailColor: kind === 'upcoming' ? MARKER_COLORS.upcoming : '#b9c0d0',
      note: note?.text ?? null,
      noteError: note?.error ?? false,
      posterUrl: session.poster ? bundleUrl(session.poster, player.baseUrl) : null,
      lang: player.lang,
    };
  }

  /** Redraw the card when its content changed; return true when it did. */
  redrawCard() {
    const card = this.cardContent();
    const poster = this.set.poster(card.posterUrl);
    const key = JSON.stringify(card) + (poster ? '|poster' : '');
    if (key === this.cardKey) return false;
    this.cardKey = key;
    this.card = card;
    drawCard(this.canvas, { ...card, poster });
    this.cardTexture.needsUpdate = true;
    return true;
  }

  setMuted(muted) {
    if (this.stream) this.stream.video.muted = muted;
  }

  /** Return true when the picture shows `sessionId`'s video now. */
  shows(sessionId) {
    return Boolean(this.stream?.hasFrame) && this.programme.session?.id === sessionId;
  }

  state() {
    const video = this.stream?.video ?? null;
    return {
      id: this.info.id,
      channel: this.info.channel,
      kind: this.programme.kind,
      session: this.programme.session?.id ?? null,
      url: this.programme.playable,
      shows: this.stream?.hasFrame ? 'video' : 'card',
      card: this.stream?.hasFrame ? null : this.card,
      failures: this.failures,
      lastError: this.lastError,
      muted: video ? video.muted : true,
      paused: video ? video.paused : null,
    };
  }

  dispose() {
    this.stopStream();
    this.mesh.material = this.original;
    this.material.dispose();
    this.cardTexture.dispose();
  }
}

/** The screens of the scene on the stage. */
export class ScreenSet {
  /** Find the screens of `sceneInfo` in `model` (a glTF scene) and start them. */
  constructor(player, stage, model, sceneInfo) {
    this.player = player;
    this.stage = stage;
    this.screens = new Map();
    this.posters = new Map(); // URL -> {image, loaded}
    this.active = document.visibilityState !== 'hidden';
    for (const info of sceneInfo.screens ?? []) {
      const name = info.node ?? `screen_${info.id}`;
      const node = model.getObjectByName(name);
      const mesh = node && findPicture(node, name);
      if (!mesh) {
        console.warn(`screen ${info.id} has no picture mesh ${name} in ${sceneInfo.file}`);
        continue;
      }
      this.screens.set(info.id, new Screen(this, info, node, mesh));
    }
    stage.setScreens(new Map([...this.screens].map(([id, screen]) => [id, screen.node])));

    this.onVisibility = () => this.setActive(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', this.onVisibility);
    // A browser that rejected muted autoplay allows play() after a gesture.
    this.onGesture = () => {
      for (const screen of this.screens.values()) {
        if (screen.stream?.blocked) screen.stream.play();
      }
    };
    document.addEventListener('pointerdown', this.onGesture, true);
    document.addEventListener('keydown', this.onGesture, true);
    this.update();
  }

  get size() {
    return this.screens.size;
  }

  update() {
    for (const screen of this.screens.values()) screen.update();
  }

  /** Play (true) or pause (false) every stream, as the page is shown or hidden. */
  setActive(active) {
    if (active === this.active) return;
    this.active = active;
    for (const screen of this.screens.values()) {
      if (!active) screen.stream?.pause();
      else if (screen.stream) screen.stream.resume();
    }
    if (active) this.update();
  }

  /** Return the loaded poster image at `url`, or null (loading it starts on first call). */
  poster(url) {
    if (!url) return null;
    let entry = this.posters.get(url);
    if (!entry) {
      const image = new Image();
      entry = { image, loaded: false };
      this.posters.set(url, entry);
      image.decoding = 'async';
      image.addEventListener('load', () => {
        entry.loaded = true;
        this.update();
      });
      image.addEventListener('error', () => {
        console.warn(`poster ${url} failed to load; its cards show the title alone`);
      });
      image.src = url;
    }
    return entry.loaded ? entry.image : null;
  }

  /** Return true when a screen shows `sessionId`'s video now. */
  shows(sessionId) {
    return [...this.screens.values()].some((screen) => screen.shows(sessionId));
  }

  /** Return true when a screen plays `sessionId` with its sound on. */
  soundOn(sessionId) {
    return [...this.screens.values()].some((screen) => screen.shows(sessionId)
      && !screen.stream.video.muted);
  }

  /** Turn the sound of the screens that show `sessionId` on or off. */
  setSound(sessionId, on) {
    for (const screen of this.screens.values()) {
      if (screen.shows(sessionId)) screen.setMuted(!on);
    }
  }

  muteAll() {
    for (const screen of this.screens.values()) screen.setMuted(true);
  }

  /** Return the world positions of the corners of screen `id`'s picture box, or null. */
  pictureCorners(id) {
    const screen = this.screens.get(id);
    if (!screen) return null;
    screen.mesh.updateWorldMatrix(true, false);
    const box = screen.mesh.geometry.boundingBox; // computed by pictureAspect
    const corners = [];
    for (const x of [box.min.x, box.max.x]) {
      for (const y of [box.min.y, box.max.y]) {
        for (const z of [box.min.z, box.max.z]) {
          corners.push(new Vector3(x, y, z).applyMatrix4(screen.mesh.matrixWorld));
        }
      }
    }
    return corners;
  }

  state() {
    return [...this.screens.values()].map((screen) => screen.state());
  }

  /** Stop every stream, free the textures and give the pictures their own materials back. */
  dispose() {
    document.removeEventListener('visibilitychange', this.onVisibility);
    document.removeEventListener('pointerdown', this.onGesture, true);
    document.removeEventListener('keydown', this.onGesture, true);
    for (const screen of this.screens.values()) screen.dispose();
    this.screens.clear();
    this.stage.setScreens(new Map());
  }
}
