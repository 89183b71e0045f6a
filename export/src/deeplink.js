// Deep links: the URL fragment contains the view (scene, viewpoint or open
// hotspot) and the query contains settings (lang, at). Either part may
// contain any key, and the fragment wins.
//
//   index.html?lang=en&at=2020-06-23T14:05+08:00#scene=hall&hotspot=opening

const VIEW_KEYS = ['scene', 'viewpoint', 'hotspot'];
const SETTING_KEYS = ['lang', 'at'];

/** Return {scene, viewpoint, hotspot, lang, at} from `location`; absent keys are null. */
export function readLocation(location = window.location) {
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const state = {};
  for (const key of [...VIEW_KEYS, ...SETTING_KEYS]) {
    state[key] = fragment.get(key) ?? query.get(key) ?? null;
  }
  return state;
}

/** Return the fragment, `#scene=…&hotspot=…`, that opens `view`. */
export function viewFragment(view) {
  const params = new URLSearchParams();
  params.set('scene', view.scene);
  if (view.hotspot) params.set('hotspot', view.hotspot);
  else if (view.viewpoint) params.set('viewpoint', view.viewpoint);
  return `#${params}`;
}

function queryKey(pair) {
  const raw = pair.split('=')[0].replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a malformed escape stays as written
  }
}

/**
 * Return the page URL with `view` in the fragment and `settings` in the
 * query (a null value removes the key). View keys leave the query. Other
 * query parameters keep their exact text, so `at=…+08:00` stays readable.
 */
export function pageUrl(view, settings = {}, href = window.location.href) {
  const url = new URL(href);
  const replaced = new Set([...VIEW_KEYS, ...Object.keys(settings)]);
  const kept = url.search.replace(/^\?/, '').split('&')
    .filter((pair) => pair && !replaced.has(queryKey(pair)));
  for (const [key, value] of Object.entries(settings)) {
    if (value !== null && value !== undefined) {
      kept.unshift(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
  }
  url.search = kept.length ? `?${kept.join('&')}` : '';
  url.hash = viewFragment(view);
  return url.href;
}

/** Show `view` in the address bar without adding a history entry. */
export function replaceView(view, settings = {}) {
  const href = pageUrl(view, settings);
  if (href !== window.location.href) {
    window.history.replaceState(window.history.state, '', href);
  }
}

/**
 * Return the link to share for `view`: under the published base URL when the
 * build had one, else this page's address without the preview time.
 */
export function shareLink(view, baseUrl) {
  if (baseUrl) return pageUrl(view, {}, baseUrl);
  return pageUrl(view, { at: null });
}
