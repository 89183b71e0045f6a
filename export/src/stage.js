// The 3D stage: renderer, camera, orbit controls, the shown scene, its sky,
// hotspot markers, camera flights, picking of markers and screens, and the
// surface under the cursor for designer mode. It
// draws a frame only when something changed (or always while a WebXR session
// runs); screens ask for a frame for every new video frame.

import {
  AmbientLight,
  Box3,
  Color,
  Frustum,
  Group,
  MathUtils,
  Matrix3,
  Matrix4,
  PerspectiveCamera,
  Quaternion,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { declutterLabels, hitsMarker, scaleMarkers } from './markers.js';

export const DEFAULT_FOV = 60; // degrees, vertical
export const DEFAULT_TARGET_DISTANCE = 10; // metres
const CLICK_SLOP_PX = 6;

/** Smoothstep: starts and ends at rest. */
function ease(t) {
  const c = Math.min(Math.max(t, 0), 1);
  return c * c * (3 - 2 * c);
}

/** Return a flight's seconds: longer for longer ways, as the desktop viewer does. */
export function flightSeconds(distance) {
  return Math.min(0.6 + distance / 15, 2.5);
}

export class Stage extends EventTarget {
  /** Create the renderer on `canvas`; throws when WebGL is unavailable. */
  constructor(canvas) {
    super();
    this.canvas = canvas;
    this.renderer = new WebGLRenderer({ canvas, antialias: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.xr.enabled = true;

    this.camera = new PerspectiveCamera(DEFAULT_FOV, 1, 0.1, 3 * 1000);
    // The rig carries the camera into a WebXR session at the current view.
    this.rig = new Group();
    this.rig.add(this.camera);
    this.scene = new Scene();
    this.scene.add(this.rig);
    this.ambient = new AmbientLight(0xffffff, 0.3);
    this.scene.add(this.ambient);
    this.content = new Group();
    this.markers = new Group();
    this.scene.add(this.content, this.markers);
    this.skyDome = null;
    this.priorityHotspot = null;
    this.screenIds = new Map(); // screen node -> screen id
    this.designing = false; // designer mode: clicks place, and open nothing
    this.raycaster = new Raycaster();
    this.frustum = new Frustum();
    this.viewProjection = new Matrix4();

    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.12;
    this.controls.screenSpacePanning = true;
    this.controls.maxDistance = 2000;
    this.controls.listenToKeyEvents(canvas);
    this.controls.addEventListener('change', () => this.invalidate());
    this.controls.addEventListener('start', () => {
      this.dispatchEvent(new Event('usermove'));
    });

    this.flight = null;
    this.dirty = true;
    this.frameWaiters = [];
    this.lastTime = null;
    this.size = { width: 0, height: 0 };
    this.installPicking();
    new ResizeObserver(() => this.invalidate()).observe(canvas);
    this.renderer.setAnimationLoop((time) => this.tick(time));
  }

  /** Ask for a new frame. */
  invalidate() {
    this.dirty = true;
  }

  /** Return a promise that settles after the next drawn frame. */
  nextFrame() {
    this.invalidate();
    return new Promise((resolve) => this.frameWaiters.push(resolve));
  }

  /** Show `model` (a glTF scene) with `sky` ({background, dome}) and `ambient`. */
  setContent(model, sky, ambient) {
    this.cancelFlight();
    this.content.clear();
    this.markers.clear();
    if (this.skyDome) this.scene.remove(this.skyDome);
    this.content.add(model);
    this.scene.background = sky.background ?? null;
    this.skyDome = sky.dome;
    if (this.skyDome) this.scene.add(this.skyDome);
    this.ambient.color = new Color(ambient?.color ?? '#ffffff');
    this.ambient.intensity = Number(ambient?.intensity ?? 0.3);
    model.updateMatrixWorld(true);
    this.invalidate();
  }

  /** Show `sprites` as the hotspot markers. */
  setMarkers(sprites) {
    this.markers.clear();
    if (sprites.length) this.markers.add(...sprites);
    this.invalidate();
  }

  /** Make the screens in `nodes` (a Map of screen id to its node in the content) pickable. */
  setScreens(nodes) {
    this.screenIds = new Map([...nodes].map(([id, node]) => [node, id]));
  }

  /**
   * Return true when `object` may be seen: its bounding sphere meets the
   * camera's view, even when something else is in front of it. Always true
   * in VR.
   */
  inView(object) {
    if (this.renderer.xr.isPresenting) return true;
    this.camera.updateMatrixWorld();
    this.viewProjection.multiplyMatrices(this.camera.projectionMatrix,
      this.camera.matrixWorldInverse);
    this.frustum.setFromProjectionMatrix(this.viewProjection);
    return this.frustum.intersectsObject(object);
  }

  /** Return the current camera pose: position, quaternion, target and fov. */
  pose() {
    return {
      position: this.camera.position.clone(),
      quaternion: this.camera.quaternion.clone(),
      target: this.controls.target.clone(),
      fov: this.camera.fov,
    };
  }

  /**
   * Move the camera to `pose` ({position, quaternion, target, fov}) over
   * `seconds` (0 jumps). Resolves on arrival with true, or false when another
   * move or a scene change replaced this one.
   */
  moveTo(pose, seconds) {
    this.cancelFlight();
    if (!(seconds > 0)) {
      this.applyPose(pose);
      return Promise.resolve(true);
    }
    this.controls.enabled = false;
    return new Promise((resolve) => {
      this.flight = { from: this.pose(), to: pose, seconds, elapsed: 0, resolve };
      this.invalidate();
    });
  }

  /** Stop a flight where it is; its promise resolves with false. */
  cancelFlight() {
    if (!this.flight) return;
    const { resolve } = this.flight;
    this.flight = null;
    this.controls.enabled = true;
    resolve(false);
  }

  applyPose(pose) {
    this.camera.position.copy(pose.position);
    this.camera.quaternion.copy(pose.quaternion);
    this.controls.target.copy(pose.target);
    if (pose.fov && pose.fov !== this.camera.fov) {
      this.camera.fov = pose.fov;
      this.camera.updateProjectionMatrix();
    }
    this.controls.update();
    this.invalidate();
  }

  /** Return the pose of a viewpoint node: its world transform, looking along -Z. */
  poseFromNode(node, fov) {
    node.updateWorldMatrix(true, false);
    const position = new Vector3();
    const quaternion = new Quaternion();
    node.matrixWorld.decompose(position, quaternion, new Vector3());
    const distance = Number(node.userData?.target_distance) || DEFAULT_TARGET_DISTANCE;
    const forward = new Vector3(0, 0, -1).applyQuaternion(quaternion);
    const target = position.clone().addScaledVector(forward, distance);
    return { position, quaternion, target, fov: fov || DEFAULT_FOV };
  }

  /** Return the pose that keeps the camera where it is and faces `point`. */
  poseFacing(point) {
    const eye = this.camera.position.clone();
    const probe = new PerspectiveCamera();
    probe.position.copy(eye);
    probe.lookAt(point);
    return { position: eye, quaternion: probe.quaternion.clone(), target: point.clone(),
      fov: this.camera.fov };
  }

  /** Return a pose that frames everything in the content, for scenes without viewpoints. */
  overviewPose() {
    const bounds = new Box3().setFromObject(this.content);
    const center = new Vector3();
    let radius = DEFAULT_TARGET_DISTANCE;
    if (!bounds.isEmpty()) {
      bounds.getCenter(center);
      radius = Math.max(bounds.getSize(new Vector3()).length() / 2, 1);
    }
    const eye = center.clone().add(new Vector3(0, 0.8 * radius, 2.2 * radius));
    const probe = new PerspectiveCamera();
    probe.position.copy(eye);
    probe.lookAt(center);
    return { position: eye, quaternion: probe.quaternion.clone(), target: center,
      fov: DEFAULT_FOV };
  }

  tick(time) {
    const seconds = this.lastTime === null ? 0 : (time - this.lastTime) / 1000;
    this.lastTime = time;
    this.resizeIfNeeded();
    this.advanceFlight(Math.min(seconds, 0.1));
    if (this.controls.enabled && this.controls.update(seconds)) this.invalidate();
    const presenting = this.renderer.xr.isPresenting;
    if (!this.dirty && !presenting) return;

    this.dirty = false;
    if (this.skyDome) this.skyDome.position.setFromMatrixPosition(this.camera.matrixWorld);
    this.layOutMarkers();
    this.renderer.render(this.scene, this.camera);
    const waiters = this.frameWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  advanceFlight(seconds) {
    const flight = this.flight;
    if (!flight) return;
    flight.elapsed += seconds;
    const t = ease(flight.elapsed / flight.seconds);
    const { from, to } = flight;
    this.camera.position.lerpVectors(from.position, to.position, t);
    this.camera.quaternion.slerpQuaternions(from.quaternion, to.quaternion, t);
    this.controls.target.lerpVectors(from.target, to.target, t);
    this.camera.fov = MathUtils.lerp(from.fov, to.fov, t);
    this.camera.updateProjectionMatrix();
    this.invalidate();
    if (flight.elapsed >= flight.seconds) {
      this.flight = null;
      this.controls.enabled = true;
      this.applyPose(to);
      flight.resolve(true);
    }
  }

  resizeIfNeeded() {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === this.size.width && height === this.size.height) return;
    if (this.renderer.xr.isPresenting) return;
    this.size = { width, height };
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / Math.max(height, 1);
    this.camera.updateProjectionMatrix();
    this.dirty = true;
  }

  /** Hide labels that would cover nearer markers, then size markers for the view. */
  layOutMarkers() {
    this.camera.updateMatrixWorld();
    const rect = this.canvas.getBoundingClientRect();
    const placed = [];
    const inView = new Vector3();
    for (const sprite of this.markers.children) {
      const at = this.project(sprite.position, rect);
      if (!at) continue;
      // Depth along the view axis, the order in which three.js draws sprites.
      inView.copy(sprite.position).applyMatrix4(this.camera.matrixWorldInverse);
      placed.push({
        sprite,
        x: at.x,
        y: at.y,
        depth: -inView.z,
        priority: sprite.userData.hotspotId === this.priorityHotspot,
      });
    }
    declutterLabels(placed);
    scaleMarkers(this.markers.children, this.camera, this.size.height);
  }

  /** Give hotspot `id`'s label precedence over others (null for none). */
  setPriorityHotspot(id) {
    this.priorityHotspot = id;
    this.invalidate();
  }

  /** Return the CSS pixel position of world `point` on the canvas, or null if behind. */
  project(point, rect = this.canvas.getBoundingClientRect()) {
    this.camera.updateMatrixWorld();
    const ndc = point.clone().project(this.camera);
    if (ndc.z > 1 || ndc.z < -1) return null;
    return {
      x: rect.left + ((ndc.x + 1) / 2) * rect.width,
      y: rect.top + ((1 - ndc.y) / 2) * rect.height,
    };
  }

  /**
   * Return the hotspot id of the marker under client pixel (x, y), or null.
   * Where markers overlap, the nearest one wins, as it is drawn on top.
   */
  pick(x, y) {
    let best = null;
    const rect = this.canvas.getBoundingClientRect();
    for (const sprite of this.markers.children) {
      const at = this.project(sprite.position, rect);
      if (!at || !hitsMarker(sprite, x - at.x, y - at.y)) continue;
      const distance = this.camera.position.distanceTo(sprite.position);
      if (!best || distance < best.distance) best = { sprite, distance };
    }
    return best ? best.sprite.userData.hotspotId : null;
  }

  /**
   * Return the id of the screen seen at client pixel (x, y), or null. Only
   * the nearest surface counts, so a screen behind a wall is not picked.
   */
  pickScreen(x, y) {
    if (!this.screenIds.size) return null;
    const hit = this.rayAt(x, y).intersectObject(this.content, true)[0];
    for (let node = hit?.object; node && node !== this.content; node = node.parent) {
      const id = this.screenIds.get(node);
      if (id !== undefined) return id;
    }
    return null;
  }

  /** Return the ray through client pixel (x, y) after the camera's latest move. */
  rayAt(x, y) {
    const rect = this.canvas.getBoundingClientRect();
    const ndc = new Vector2(((x - rect.left) / rect.width) * 2 - 1,
      1 - ((y - rect.top) / rect.height) * 2);
    this.camera.updateMatrixWorld();
    this.raycaster.setFromCamera(ndc, this.camera);
    return this.raycaster;
  }

  /**
   * Return the nearest visible surface of the scene's model at client pixel
   * (x, y) as {point, normal} in world coordinates, or null. Markers and the
   * sky are not in the model, so they are never hit. The normal faces the
   * camera, also on the back of a double-sided face.
   */
  surfaceAt(x, y) {
    const raycaster = this.rayAt(x, y);
    const visible = (object) => {
      for (let node = object; node; node = node.parent) if (!node.visible) return false;
      return true;
    };
    const hit = raycaster.intersectObject(this.content, true)
      .find((item) => item.face && item.object.isMesh && visible(item.object));
    if (!hit) return null;
    const normal = hit.face.normal.clone()
      .applyMatrix3(new Matrix3().getNormalMatrix(hit.object.matrixWorld)).normalize();
    if (normal.dot(raycaster.ray.direction) > 0) normal.negate();
    return { point: hit.point.clone(), normal };
  }

  installPicking() {
    let down = null;
    this.canvas.addEventListener('pointerdown', (event) => {
      down = { x: event.clientX, y: event.clientY };
    });
    this.canvas.addEventListener('pointerup', (event) => {
      if (!down) return;
      const moved = Math.hypot(event.clientX - down.x, event.clientY - down.y);
      down = null;
      if (moved > CLICK_SLOP_PX) return;
      if (this.designing) {
        const detail = { x: event.clientX, y: event.clientY };
        this.dispatchEvent(new CustomEvent('designclick', { detail }));
        return;
      }
      // Markers are drawn over everything, so they win over screens.
      const id = this.pick(event.clientX, event.clientY);
      if (id) {
        this.dispatchEvent(new CustomEvent('markerclick', { detail: { id } }));
        return;
      }
      const screen = this.pickScreen(event.clientX, event.clientY);
      if (screen) this.dispatchEvent(new CustomEvent('screenclick', { detail: { id: screen } }));
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (event.buttons || this.designing) return;
      const over = this.pick(event.clientX, event.clientY)
        || this.pickScreen(event.clientX, event.clientY);
      this.canvas.style.cursor = over ? 'pointer' : '';
    });
  }
}
