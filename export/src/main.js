// Entry point: read tour.json beside this page, the settings and view from
// the URL, then show the first scene. `window.venuePlayer` exposes the
// player's state to automation and tests (see docs/web.md).

import { Player } from './app.js';
import { Clock, checkTimeZone, parseTime } from './clock.js';
import { readLocation } from './deeplink.js';
import { fromAuthors } from './designer.js';
import { Stage } from './stage.js';
import { chooseLanguage, uiText } from './text.js';
import { setUpVr } from './xr.js';

const FORMAT = 'venue-tour';
const FORMAT_VERSION = 1;

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function fail(message) {
  const notice = document.getElementById('notice');
  notice.textContent = message;
  notice.hidden = false;
}

function createStage() {
  try {
    return new Stage(document.getElementById('view'));
  } catch (error) {
    console.warn(`3D view unavailable: ${error.message}`);
    return null;
  }
}

async function start() {
  const baseUrl = new URL('./', document.baseURI).href;
  const requested = readLocation();
  const tour = await fetchJson(new URL('tour.json', baseUrl));
  if (tour.format !== FORMAT || !Array.isArray(tour.scenes) || !tour.scenes.length) {
    throw new Error('tour.json is not a venue tour with scenes');
  }
  if (tour.version > FORMAT_VERSION) {
    console.warn(`tour.json is version ${tour.version}; this player reads version `
      + `${FORMAT_VERSION} and may miss features`);
  }
  // The build always writes share/index.json beside the player.
  const share = await fetchJson(new URL('share/index.json', baseUrl)).catch((error) => {
    console.warn(`no share links: ${error.message}`);
    return null;
  });

  const languages = tour.venue.languages?.length ? tour.venue.languages : ['en'];
  const lang = chooseLanguage(requested.lang, languages, navigator.languages ?? []);
  const timeZone = checkTimeZone(tour.venue.timezone || 'UTC');
  const at = requested.at === null ? null : parseTime(requested.at, timeZone);
  const clock = new Clock(Number.isNaN(at) ? null : at);
  const motionQuery = window.matchMedia('(prefers-reduced-motion: reduce)');
  const stage = createStage();

  const player = new Player({
    tour, share, baseUrl, lang, clock, stage, reducedMotion: () => motionQuery.matches,
  });
  window.venuePlayer.player = player;
  setUpVr(stage, player, document.getElementById('vr-button'));

  await player.showScene(requested.scene ?? tour.venue.start_scene, {
    viewpoint: requested.viewpoint,
    hotspot: requested.hotspot,
  });
  window.addEventListener('hashchange', () => player.applyView(readLocation()));
  if (new URLSearchParams(window.location.search).get('designer') === '1') {
    player.designer?.setEnabled(true);
  }
  if (!stage) player.view.showNotice(player.ui('no_webgl'));
  if (Number.isNaN(at)) player.view.showNotice(player.ui('bad_at', { value: requested.at }));
  return true;
}

/** Return where hotspot `id`'s marker is on screen, in CSS pixels, or null. */
function hotspotScreenPosition(id) {
  const player = window.venuePlayer.player;
  const sprite = player?.markers.get(id);
  if (!sprite || !player.stage) return null;
  return player.stage.project(sprite.position);
}

/**
 * Return the box that screen `id`'s picture covers on the page, in CSS
 * pixels ({left, top, right, bottom}), or null when it is not in front.
 */
function screenPictureBox(id) {
  const player = window.venuePlayer.player;
  const corners = player?.screens?.pictureCorners(id);
  if (!corners || !player.stage) return null;
  const points = corners.map((corner) => player.stage.project(corner));
  if (points.some((point) => point === null)) return null;
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}

/** Return where authors' Z-up point [x, y, z] (metres) is on screen, in CSS pixels, or null. */
function pointScreenPosition(point) {
  const stage = window.venuePlayer.player?.stage;
  return stage ? stage.project(fromAuthors(point)) : null;
}

window.venuePlayer = {
  player: null,
  ready: null,
  state: () => window.venuePlayer.player?.state() ?? null,
  screens: () => window.venuePlayer.player?.screens?.state() ?? [],
  hotspotScreenPosition,
  screenPictureBox,
  pointScreenPosition,
  designer: () => window.venuePlayer.player?.designer?.state() ?? null,
};
window.venuePlayer.ready = start().catch((error) => {
  console.error(error);
  const lang = chooseLanguage(null, ['en', 'zh'], navigator.languages ?? []);
  fail(`${uiText('load_failed', lang, { name: 'tour.json' })} ${error.message}`);
  return false;
});
