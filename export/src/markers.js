// Hotspot markers: a disc with a label above it, drawn into a canvas and
// shown as a sprite of constant size on screen, over the scene. The colours
// are the desktop viewer's: by action type, and for sessions by status.

import { CanvasTexture, LinearFilter, SRGBColorSpace, Sprite, SpriteMaterial } from 'three';

/** Disc colours (sRGB) by action type, and for sessions by status. */
export const MARKER_COLORS = {
  scene: '#299ef5',
  viewpoint: '#5ccc6b',
  url: '#9e6bf2',
  upcoming: '#fab326',
  live: '#eb2e3d',
  replay: '#1abdb3',
  ended: '#8c9199',
};

// Sizes in CSS pixels.
const DISC_RADIUS = 14;
const RING = 3;
const LABEL_HEIGHT = 24;
const LABEL_GAP = 6;
const LABEL_PADDING = 9;
const LABEL_MAX_WIDTH = 240;
const MARGIN = 2;
const SCALE = 2; // canvas pixels per CSS pixel, sharp on high-density screens
const FONT = '600 14px system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

/** Return the disc colour for `actionType`, or for a session's `status`. */
export function markerColor(actionType, status) {
  if (actionType === 'session') return MARKER_COLORS[status] ?? MARKER_COLORS.ended;
  return MARKER_COLORS[actionType] ?? MARKER_COLORS.url;
}

function fitText(context, text, maxWidth) {
  if (context.measureText(text).width <= maxWidth) return text;
  let fitted = text;
  while (fitted.length > 1 && context.measureText(`${fitted}…`).width > maxWidth) {
    fitted = fitted.slice(0, -1);
  }
  return `${fitted}…`;
}

function drawGlyph(context, kind, x, y) {
  const r = DISC_RADIUS * 0.45;
  context.fillStyle = '#fff';
  context.strokeStyle = '#fff';
  context.lineWidth = 2.2;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.beginPath();
  if (kind === 'session') {
    context.moveTo(x - r * 0.6, y - r);
    context.lineTo(x + r, y);
    context.lineTo(x - r * 0.6, y + r);
    context.closePath();
    context.fill();
  } else if (kind === 'scene') {
    context.moveTo(x - r, y);
    context.lineTo(x + r, y);
    context.moveTo(x + r * 0.1, y - r * 0.85);
    context.lineTo(x + r, y);
    context.lineTo(x + r * 0.1, y + r * 0.85);
    context.stroke();
  } else if (kind === 'viewpoint') {
    context.arc(x, y, r * 0.95, 0, Math.PI * 2);
    context.stroke();
    context.beginPath();
    context.arc(x, y, r * 0.35, 0, Math.PI * 2);
    context.fill();
  } else {
    context.moveTo(x - r * 0.8, y + r * 0.8);
    context.lineTo(x + r * 0.8, y - r * 0.8);
    context.moveTo(x - r * 0.1, y - r * 0.8);
    context.lineTo(x + r * 0.8, y - r * 0.8);
    context.lineTo(x + r * 0.8, y + r * 0.1);
    context.stroke();
  }
}

/** Draw a marker into a new canvas; return it with its size and disc centre. */
function drawMarker({ label, kind, color }) {
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = FONT;
  const text = fitText(measure, label, LABEL_MAX_WIDTH - 2 * LABEL_PADDING);
  const labelWidth = text ? Math.ceil(measure.measureText(text).width) + 2 * LABEL_PADDING : 0;
  const discSize = 2 * (DISC_RADIUS + RING);
  const width = Math.max(labelWidth, discSize) + 2 * MARGIN;
  const labelBlock = text ? LABEL_HEIGHT + LABEL_GAP : 0;
  const height = labelBlock + discSize + 2 * MARGIN;

  const canvas = document.createElement('canvas');
  canvas.width = width * SCALE;
  canvas.height = height * SCALE;
  const context = canvas.getContext('2d');
  context.scale(SCALE, SCALE);

  if (text) {
    const left = (width - labelWidth) / 2;
    context.fillStyle = 'rgba(14, 17, 27, 0.84)';
    context.beginPath();
    context.roundRect(left, MARGIN, labelWidth, LABEL_HEIGHT, LABEL_HEIGHT / 2);
    context.fill();
    context.font = FONT;
    context.fillStyle = '#fff';
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(text, width / 2, MARGIN + LABEL_HEIGHT / 2 + 1);
  }

  const cx = width / 2;
  const cy = MARGIN + labelBlock + DISC_RADIUS + RING;
  context.beginPath();
  context.arc(cx, cy, DISC_RADIUS + RING, 0, Math.PI * 2);
  context.fillStyle = '#fff';
  context.fill();
  context.beginPath();
  context.arc(cx, cy, DISC_RADIUS, 0, Math.PI * 2);
  context.fillStyle = color;
  context.fill();
  drawGlyph(context, kind, cx, cy);
  // The shape that picking accepts, in CSS pixels from the disc's centre, y down.
  const labelLeft = (width - labelWidth) / 2;
  const hitShape = {
    radius: DISC_RADIUS + RING,
    label: text ? {
      left: labelLeft - cx, right: labelLeft + labelWidth - cx,
      top: MARGIN - cy, bottom: MARGIN + LABEL_HEIGHT - cy,
    } : null,
  };
  return { canvas, width, height, discCenterY: cy, hitShape };
}

/** Create a marker sprite for hotspot `hotspotId`; call `updateMarker` to draw it. */
export function createMarker(hotspotId) {
  const material = new SpriteMaterial({
    depthTest: false,
    depthWrite: false,
    transparent: true,
    sizeAttenuation: false,
    toneMapped: false,
  });
  const sprite = new Sprite(material);
  sprite.renderOrder = 1000;
  sprite.name = `marker_${hotspotId}`;
  sprite.userData.hotspotId = hotspotId;
  return sprite;
}

function variant(look) {
  const drawn = drawMarker(look);
  const texture = new CanvasTexture(drawn.canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.minFilter = LinearFilter;
  texture.generateMipmaps = false;
  return {
    texture,
    // Sprite centre (0, 0) is the bottom left: anchor the disc's centre.
    centerY: 1 - drawn.discCenterY / drawn.height,
    sizePx: { width: drawn.width, height: drawn.height },
    hitShape: drawn.hitShape,
  };
}

/**
 * Redraw `sprite` with `look` ({label, kind, color}) unless it already shows
 * it: once with the label and once without, for `showLabel` to choose.
 */
export function updateMarker(sprite, look) {
  const key = `${look.kind}|${look.color}|${look.label}`;
  if (sprite.userData.look === key) return false;
  for (const old of Object.values(sprite.userData.variants ?? {})) old.texture.dispose();
  sprite.userData.variants = {
    labelled: variant(look),
    bare: variant({ ...look, label: '' }),
  };
  sprite.userData.look = key;
  sprite.userData.labelShown = null;
  showLabel(sprite, true);
  return true;
}

/** Show or hide `sprite`'s label; picking follows what is shown. */
export function showLabel(sprite, shown) {
  if (sprite.userData.labelShown === shown) return;
  const chosen = sprite.userData.variants[shown ? 'labelled' : 'bare'];
  sprite.material.map = chosen.texture;
  sprite.material.needsUpdate = true;
  sprite.center.set(0.5, chosen.centerY);
  sprite.userData.sizePx = chosen.sizePx;
  sprite.userData.hitShape = chosen.hitShape;
  sprite.userData.labelShown = shown;
}

/** Return the label's full-size screen box of a marker at (x, y), or null. */
function labelBox(sprite, x, y) {
  const label = sprite.userData.variants?.labelled.hitShape.label;
  if (!label) return null;
  return { left: x + label.left, right: x + label.right, top: y + label.top, bottom: y + label.bottom };
}

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Hide labels that would cover any marker's disc or a nearer marker's label,
 * so that every disc stays visible and readable labels win by nearness.
 * `placed` lists {sprite, x, y, depth} for the markers in front of the
 * camera; a marker with `priority` set (the open hotspot) goes first.
 */
export function declutterLabels(placed) {
  const disc = DISC_RADIUS + RING;
  const taken = placed.map((item) => ({
    left: item.x - disc, right: item.x + disc, top: item.y - disc, bottom: item.y + disc,
  }));
  const order = [...placed].sort((a, b) => (b.priority ? 1 : 0) - (a.priority ? 1 : 0)
    || a.depth - b.depth);
  for (const item of order) {
    const box = labelBox(item.sprite, item.x, item.y);
    const free = box !== null && !taken.some((other) => overlaps(box, other));
    showLabel(item.sprite, free);
    if (free) taken.push(box);
  }
}

/**
 * Return true when the point (dx, dy), in CSS pixels from the marker's disc
 * centre with y down, is on its disc or its shown label. The transparent rest
 * of the sprite does not count.
 */
export function hitsMarker(sprite, dx, dy) {
  const shape = sprite.userData.hitShape;
  if (!shape) return false;
  if (dx * dx + dy * dy <= shape.radius * shape.radius) return true;
  const label = shape.label;
  return label !== null && dx >= label.left && dx <= label.right
    && dy >= label.top && dy <= label.bottom;
}

/**
 * Scale sprites so that they keep their CSS pixel size: with sizeAttenuation
 * off, a sprite of height h covers h / (2 tan(fov / 2)) of the view's height.
 */
export function scaleMarkers(sprites, camera, viewHeightPx) {
  const unitsPerPixel = (2 * Math.tan((camera.fov * Math.PI) / 360)) / Math.max(viewHeightPx, 1);
  for (const sprite of sprites) {
    const size = sprite.userData.sizePx;
    if (size) sprite.scale.set(size.width * unitsPerPixel, size.height * unitsPerPixel, 1);
  }
}
