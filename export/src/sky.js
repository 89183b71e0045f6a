// Skies from tour.json: a background colour, a gradient or a panorama.
//
// Gradients and panoramas are drawn on a large sphere that follows the
// camera, unlit, without depth and without tone mapping, so their sRGB
// colours reach the screen unchanged, as in the desktop viewer. A gradient
// is painted into a canvas by the same rule as the toolkit's
// `sky_gradient_panorama`, blending in linear light. Above the horizon the
// weight of the zenith colour is sqrt(sin(elevation)). Below it the colour
// fades to the ground colour within 3 degrees.

import {
  BackSide,
  CanvasTexture,
  Color,
  LinearFilter,
  Mesh,
  MeshBasicMaterial,
  RepeatWrapping,
  SRGBColorSpace,
  SphereGeometry,
  TextureLoader,
} from 'three';

export const SKY_RADIUS = 1000; // metres; within the camera's far plane
const GRADIENT_HEIGHT = 256; // pixels; the gradient only varies vertically
const GROUND_FADE = Math.sin((3 * Math.PI) / 180);
const DEFAULT_COLOR = '#2b3340';

function srgbToLinear(channel) {
  return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
}

function linearToSrgb(channel) {
  const c = Math.min(Math.max(channel, 0), 1);
  return c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055;
}

function linearRgb(hex) {
  const value = /^#?([0-9a-f]{6})/i.exec(hex ?? '')?.[1] ?? '000000';
  return [0, 2, 4].map((i) => srgbToLinear(parseInt(value.slice(i, i + 2), 16) / 255));
}

function mix(a, b, t) {
  const w = Math.min(Math.max(t, 0), 1);
  return a.map((value, i) => (1 - w) * value + w * b[i]);
}

/** Paint the gradient sky into a 2:1 canvas, zenith at the top row. */
export function gradientCanvas(zenith, horizon, ground, height = GRADIENT_HEIGHT) {
  const canvas = document.createElement('canvas');
  canvas.width = 4;
  canvas.height = height;
  const context = canvas.getContext('2d');
  const [top, middle, bottom] = [zenith, horizon, ground ?? horizon].map(linearRgb);
  for (let row = 0; row < height; row += 1) {
    const sine = Math.sin(Math.PI / 2 - (Math.PI * (row + 0.5)) / height);
    const color = sine >= 0
      ? mix(middle, top, Math.sqrt(Math.max(sine, 0)))
      : mix(middle, bottom, Math.sqrt(Math.min(-sine / GROUND_FADE, 1)));
    const [r, g, b] = color.map((c) => Math.round(linearToSrgb(c) * 255));
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.fillRect(0, row, canvas.width, 1);
  }
  return canvas;
}

/**
 * Build a sphere that shows an equirectangular texture from the inside.
 * The image centre faces north (glTF -Z) and `rotate` degrees turn it
 * clockwise seen from above, so the centre faces that compass heading.
 */
function dome(texture, rotate = 0) {
  const material = new MeshBasicMaterial({
    map: texture,
    side: BackSide,
    depthTest: false,
    depthWrite: false,
    toneMapped: false,
    fog: false,
  });
  const mesh = new Mesh(new SphereGeometry(SKY_RADIUS, 64, 32), material);
  // SphereGeometry's u runs anticlockwise seen from above, which shows the
  // image mirrored from inside; a negative x scale unmirrors it and puts
  // u = 0.5 at west, and -90 degrees about +Y then turns it to north.
  mesh.scale.x = -1;
  mesh.rotation.y = (-Math.PI / 2) - (rotate * Math.PI) / 180;
  mesh.renderOrder = -1000;
  mesh.frustumCulled = false;
  mesh.name = 'sky';
  return mesh;
}

/**
 * Return {background, dome, ready} for a tour.json `sky`: a Color for the
 * scene background, a Mesh to add to the scene (or null), and a promise that
 * settles once a panorama image has loaded (or failed, with a warning).
 */
export function createSky(sky, resolveUrl) {
  const type = sky?.type ?? 'color';
  if (type === 'gradient') {
    const texture = new CanvasTexture(gradientCanvas(sky.zenith, sky.horizon, sky.ground));
    texture.colorSpace = SRGBColorSpace;
    texture.wrapS = RepeatWrapping;
    texture.minFilter = LinearFilter;
    texture.generateMipmaps = false;
    return { background: new Color(sky.horizon), dome: dome(texture), ready: Promise.resolve() };
  }
  if (type === 'panorama') {
    const url = resolveUrl(sky.image);
    const loader = new TextureLoader();
    const ready = url === null
      ? Promise.reject(new Error(`panorama path ${sky.image} leaves the bundle`))
      : loader.loadAsync(url);
    const mesh = dome(null, Number(sky.rotate) || 0);
    mesh.visible = false;
    const settled = ready.then((texture) => {
      texture.colorSpace = SRGBColorSpace;
      texture.wrapS = RepeatWrapping;
      mesh.material.map = texture;
      mesh.material.needsUpdate = true;
      mesh.visible = true;
    }).catch((error) => {
      console.warn(`sky panorama ${sky.image} not shown: ${error.message ?? error}`);
    });
    return { background: new Color(DEFAULT_COLOR), dome: mesh, ready: settled };
  }
  return { background: new Color(sky?.color ?? DEFAULT_COLOR), dome: null, ready: Promise.resolve() };
}
