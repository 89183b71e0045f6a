// DOM helpers that only ever insert text as text nodes, so bundle text with
// markup in it shows as characters and never becomes HTML.

/**
 * Create an element. `props` may hold `className`, `text`, `attrs` (set with
 * setAttribute), `dataset`, `hidden` and `on` (event listeners by name).
 * Children are nodes or strings; strings become text nodes.
 */
export function el(tag, props = {}, children = []) {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.hidden) element.hidden = true;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  Object.assign(element.dataset, props.dataset ?? {});
  for (const [name, handler] of Object.entries(props.on ?? {})) {
    element.addEventListener(name, handler);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** Remove every child of `element`. */
export function clear(element) {
  element.replaceChildren();
}

/**
 * Return `url` as a normalised absolute http or https URL with a host, or
 * null for any other scheme (javascript:, data:, file:…), for spaces or
 * control characters, and for an unparsable value.
 */
export function webUrl(url) {
  // The compiler rejects spaces and control characters too; URL() would drop them.
  if (typeof url !== 'string' || /[\s\x00-\x1f]/.test(url)) return null;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!parsed.hostname) return null;
  return parsed.href;
}

/** Return `path` (relative to the bundle folder) as a URL, or null if it leaves it. */
export function bundleUrl(path, base) {
  if (typeof path !== 'string' || !path || path.includes('\\')) return null;
  const resolved = new URL(path, base);
  const root = new URL('./', base);
  if (resolved.origin !== root.origin || !resolved.pathname.startsWith(root.pathname)) {
    return null;
  }
  return resolved.href;
}
