// Designer mode, for venue authors placing hotspots and viewpoints. It shows
// the point under the cursor on the scene's geometry in the authors' frame
// (Z-up, metres) with its surface normal. A click copies a hotspot snippet
// raised 0.3 m off the surface, and V copies a viewpoint snippet from the
// camera to the point. Snippets are YAML for a scene file's lists.

import { Vector3 } from 'three';

const RAISE_M = 0.3;
const HOTSPOT_TITLES = { zh: '新热点', en: 'New hotspot' };
const VIEWPOINT_TITLES = { zh: '新视点', en: 'New viewpoint' };

const byId = (id) => document.getElementById(id);

/** Return glTF Y-up (x, y, z) as the authors' Z-up [x, -z, y], rounded to centimetres. */
export function toAuthors(vector) {
  // Adding 0 turns a rounded -0 into 0, so it prints as "0".
  const round = (value) => Math.round(value * 100) / 100 + 0;
  return [round(vector.x), round(-vector.z), round(vector.y)];
}

/** Return authors' Z-up [x, y, z] as a glTF Y-up Vector3. */
export function fromAuthors([x, y, z]) {
  return new Vector3(x, z, -y);
}

const yamlList = (values) => `[${values.join(', ')}]`;

/** Return a flow mapping of `titles` for `languages`; unknown languages get English. */
function yamlTitle(titles, languages) {
  return `{${languages.map((code) => `${code}: ${titles[code] ?? titles.en}`).join(', ')}}`;
}

export class Designer {
  constructor(player, stage) {
    this.player = player;
    this.stage = stage;
    this.enabled = false;
    this.hit = null; // {point, normal} in glTF coordinates, or null
    this.snippet = '';
    this.pointer = null;
    this.pending = false;
    this.button = byId('designer-toggle');
    this.crosshair = byId('designer-crosshair');
    this.readout = byId('designer-readout');
    this.panel = byId('designer-panel');
    this.text = byId('designer-snippet');
    this.status = byId('designer-status');

    this.button.hidden = false;
    this.button.addEventListener('click', () => this.setEnabled(!this.enabled));
    byId('designer-close').addEventListener('click', () => { this.panel.hidden = true; });
    const canvas = stage.canvas;
    canvas.addEventListener('pointermove', (event) => this.onPointerMove(event));
    canvas.addEventListener('pointerleave', () => {
      this.pointer = null;
      this.showHit(null);
    });
    // Camera moves change what lies under a still cursor.
    stage.controls.addEventListener('change', () => this.schedulePick());
    stage.addEventListener('designclick', () => this.copyHotspot());
    document.addEventListener('keydown', (event) => this.onKeyDown(event));
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    this.stage.designing = enabled;
    this.button.setAttribute('aria-pressed', String(enabled));
    this.stage.canvas.style.cursor = enabled ? 'crosshair' : '';
    if (!enabled) {
      this.showHit(null);
      this.panel.hidden = true;
    } else {
      this.schedulePick();
    }
    this.player.view.announce(this.player.ui(enabled ? 'designer_on' : 'designer_off'));
  }

  onPointerMove(event) {
    this.pointer = { x: event.clientX, y: event.clientY };
    this.schedulePick();
  }

  /** Raycast once per animation frame at most, however fast the pointer moves. */
  schedulePick() {
    if (!this.enabled || this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.pick();
    });
  }

  pick() {
    if (!this.enabled || !this.pointer) return;
    this.showHit(this.stage.surfaceAt(this.pointer.x, this.pointer.y));
  }

  showHit(hit) {
    this.hit = hit;
    if (!hit) {
      this.crosshair.hidden = true;
      this.readout.hidden = true;
      return;
    }
    const at = this.stage.project(hit.point);
    if (at) {
      this.crosshair.style.left = `${at.x}px`;
      this.crosshair.style.top = `${at.y}px`;
    }
    this.crosshair.hidden = !at;
    this.readout.hidden = false;
    this.readout.textContent = this.player.ui('designer_readout', {
      point: yamlList(toAuthors(hit.point)),
      normal: yamlList(toAuthors(hit.normal)),
    });
  }

  onKeyDown(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
      || target?.isContentEditable) return;
    const key = event.key.toLowerCase();
    if (key === 'p') {
      event.preventDefault();
      this.setEnabled(!this.enabled);
    } else if (key === 'v' && this.enabled) {
      event.preventDefault();
      this.copyViewpoint();
    }
  }

  /** Copy a hotspot at the point under the cursor, raised along the surface normal. */
  copyHotspot() {
    if (!this.hit) {
      this.showStatus(this.player.ui('designer_no_surface'));
      return;
    }
    const at = this.hit.point.clone().addScaledVector(this.hit.normal, RAISE_M);
    this.copy([
      '- id: new-hotspot',
      `  at: ${yamlList(toAuthors(at))}`,
      `  title: ${yamlTitle(HOTSPOT_TITLES, this.player.languages)}`,
      '  url: https://example.org/',
    ]);
  }

  /** Copy a viewpoint from the camera's position looking at the point under the cursor. */
  copyViewpoint() {
    if (!this.hit) {
      this.showStatus(this.player.ui('designer_no_surface'));
      return;
    }
    this.copy([
      '- id: new-viewpoint',
      `  at: ${yamlList(toAuthors(this.stage.camera.position))}`,
      `  look_at: ${yamlList(toAuthors(this.hit.point))}`,
      `  title: ${yamlTitle(VIEWPOINT_TITLES, this.player.languages)}`,
    ]);
  }

  /** Show `lines` as the snippet and copy it to the clipboard where the browser allows. */
  async copy(lines) {
    this.snippet = `${lines.join('\n')}\n`;
    this.text.value = this.snippet;
    this.panel.hidden = false;
    let copied = false;
    try {
      await navigator.clipboard.writeText(this.snippet);
      copied = true;
    } catch (error) {
      console.info(`designer: the snippet was not copied to the clipboard: ${error.message}`);
    }
    this.showStatus(this.player.ui(copied ? 'designer_copied' : 'designer_select'));
  }

  showStatus(text) {
    // A clipboard write may settle after the mode was switched off.
    if (!this.enabled) return;
    this.panel.hidden = false;
    this.status.textContent = text;
  }

  /** Return the mode's state, for automation and tests. */
  state() {
    return {
      enabled: this.enabled,
      point: this.hit ? toAuthors(this.hit.point) : null,
      normal: this.hit ? toAuthors(this.hit.normal) : null,
      snippet: this.snippet,
    };
  }
}
