// The player: one tour bundle, the visitor's language and clock, the scene
// on show, its hotspots, screens, viewpoints and tours, and the URL that
// mirrors the view. The 3D stage is optional: without WebGL the lists and
// panels work.

import { Vector3 } from 'three';
import { checkTimeZone } from './clock.js';
import { bundleUrl } from './dom.js';
import { replaceView } from './deeplink.js';
import { Designer } from './designer.js';
import { createMarker, markerColor, updateMarker } from './markers.js';
import { Panel } from './panel.js';
import { SceneLoader } from './scenes.js';
import { ScreenSet } from './screens.js';
import { createSky } from './sky.js';
import { flightSeconds } from './stage.js';
import { pickText, uiText } from './text.js';
import { channelProgramme, sessionLink, sessionStatus } from './sessions.js';
import { StatusFeed } from './feed.js';
import { TourPlayer } from './tour.js';
import { Ui } from './ui.js';

const STATUS_INTERVAL_MS = 1000;
const FACE_SECONDS = 0.9;

export class Player {
  /**
   * `tour` is tour.json's content and `share` share/index.json's (or null);
   * `baseUrl` is the bundle folder's URL; `stage` a Stage or null.
   */
  constructor({ tour, share, baseUrl, lang, clock, stage, reducedMotion }) {
    this.tour = tour;
    this.venue = tour.venue;
    this.share = share;
    this.baseUrl = baseUrl;
    this.languages = tour.venue.languages?.length ? tour.venue.languages : ['en'];
    this.lang = lang;
    this.clock = clock;
    this.stage = stage;
    this.reducedMotion = reducedMotion;
    this.timeZone = checkTimeZone(tour.venue.timezone || 'UTC');
    this.scenes = new Map(tour.scenes.map((scene) => [scene.id, scene]));
    this.sessions = new Map((tour.sessions ?? []).map((session) => [session.id, session]));
    this.channels = new Map((tour.channels ?? []).map((channel) => [channel.id, channel]));
    this.channelSessions = new Map();
    for (const session of this.sessions.values()) {
      const list = this.channelSessions.get(session.channel) ?? [];
      list.push(session);
      this.channelSessions.set(session.channel, list);
    }

    this.sceneId = null;
    this.sceneInfo = null;
    this.nodes = { hotspots: new Map(), viewpoints: new Map() };
    this.markers = new Map();
    this.screens = null; // a ScreenSet while a scene is on the stage
    this.viewpointId = null;
    this.openHotspotId = null;
    this.loadToken = 0;

    this.loader = new SceneLoader((path) => bundleUrl(path, baseUrl));
    this.view = new Ui(this);
    this.panel = new Panel(this);
    this.tours = new TourPlayer({
      goToViewpoint: (id) => this.goToViewpoint(id),
      faceHotspot: (id) => this.faceHotspot(id),
      openHotspot: (id) => this.openHotspot(id),
      closePanel: () => this.closePanel(),
      showCaption: (tourInfo, stop, index) => this.view.showCaption(tourInfo, stop, index),
    });

    this.designer = stage ? new Designer(this, stage) : null;
    if (stage) {
      stage.addEventListener('markerclick', (event) => this.openHotspot(event.detail.id));
      stage.addEventListener('screenclick', (event) => this.openScreen(event.detail.id));
      stage.addEventListener('usermove', () => this.onUserMove());
    }
    document.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.feed = new StatusFeed(tour.status_feed, this.sessions, () => this.refreshStatuses());
    if (tour.status_feed) this.feed.start();
    setInterval(() => this.refreshStatuses(), STATUS_INTERVAL_MS);
    this.view.renderStatic();
  }

  // -- text ----------------------------------------------------------------------

  /** Return bundle text in the visitor's language (else the venue's first, else any). */
  text(value) {
    return pickText(value, this.lang, this.languages);
  }

  /** Return an interface string in the visitor's language. */
  ui(key, values) {
    return uiText(key, this.lang, values);
  }

  sceneName(id) {
    const scene = this.scenes.get(id);
    return (scene && this.text(scene.title)) || id;
  }

  viewpointName(id) {
    const viewpoint = this.sceneInfo?.viewpoints?.find((item) => item.id === id);
    return (viewpoint && this.text(viewpoint.title)) || id;
  }

  hotspot(id) {
    return this.sceneInfo?.hotspots?.find((item) => item.id === id) ?? null;
  }

  /** Return a hotspot's label: its title, else the title of what its action opens. */
  hotspotLabel(hotspot) {
    const title = this.text(hotspot.title);
    if (title) return title;
    const action = hotspot.action ?? {};
    if (action.type === 'scene') return this.sceneName(action.scene);
    if (action.type === 'session') {
      return this.text(this.sessions.get(action.session)?.title) || hotspot.id;
    }
    if (action.type === 'viewpoint') return this.viewpointName(action.viewpoint);
    try {
      return new URL(action.url).host || hotspot.id;
    } catch {
      return hotspot.id;
    }
  }

  hotspotStatus(hotspot) {
    if (hotspot.action?.type !== 'session') return null;
    const session = this.sessions.get(hotspot.action.session);
    return session ? this.sessionStatus(session) : 'ended';
  }

  /** Return a session's status now, from the status feed when it has an entry. */
  sessionStatus(session) {
    return sessionStatus(session, this.clock.now(), this.feed.overrides.get(session.id));
  }

  /** Return the URL to watch `session` in `status`, the feed's links first. */
  sessionLink(session, status) {
    return sessionLink(session, status, this.feed.overrides.get(session.id));
  }

  /** Return what `screen` (a scene's screens entry) shows now: {kind, session}. */
  screenProgramme(screen) {
    return channelProgramme(this.channelSessions.get(screen.channel) ?? [],
      (session) => this.sessionStatus(session));
  }

  // -- scenes --------------------------------------------------------------------

  /**
   * Show scene `id`, at `viewpoint` (default its start viewpoint), and open
   * `hotspot` when given. Later calls win over a scene still loading.
   */
  async showScene(id, { viewpoint = null, hotspot = null, announce = true,
    focusTitle = false } = {}) {
    const info = this.scenes.get(id) ?? this.scenes.get(this.venue.start_scene)
      ?? this.tour.scenes[0];
    const token = ++this.loadToken;
    const name = this.text(info.title) || info.id;
    this.tours.stop();
    this.closePanel();
    this.view.hideNotice();

    let gltf = null;
    if (this.stage) {
      this.view.showLoading(name, null);
      try {
        gltf = await this.loader.load(info.file, (fraction) => {
          if (token === this.loadToken) this.view.showLoading(name, fraction);
        });
      } catch (error) {
        if (token !== this.loadToken) return;
        this.view.hideLoading();
        console.warn(`scene ${info.id} did not load: ${error.message}`);
        this.view.showNotice(this.ui('load_failed', { name }), {
          label: this.ui('retry'),
          run: () => this.showScene(id, { viewpoint, hotspot, announce, focusTitle }),
        });
        return;
      }
      if (token !== this.loadToken) return;
    }

    this.sceneId = info.id;
    this.sceneInfo = info;
    this.viewpointId = null;
    this.openHotspotId = null;
    if (this.stage) await this.mountScene(info, gltf);
    this.view.renderScene();
    document.title = `${name} · ${this.text(this.venue.title)}`;
    // The control that started the switch may be gone (the panel closed).
    const active = document.activeElement;
    if (focusTitle && (!active || active === document.body)) this.view.focusSceneTitle();

    const known = (list, wanted) => list?.some((item) => item.id === wanted);
    const start = known(info.viewpoints, viewpoint) ? viewpoint
      : (info.start_viewpoint ?? info.viewpoints?.[0]?.id ?? null);
    if (start) await this.goToViewpoint(start, { seconds: 0 });
    else this.stage?.moveTo(this.stage.overviewPose(), 0);
    if (hotspot && known(info.hotspots, hotspot)) {
      await this.faceHotspot(hotspot, { seconds: 0 });
      this.openHotspot(hotspot);
    }
    this.syncUrl();

    if (this.stage) {
      await this.stage.nextFrame();
      this.view.hideLoading();
    }
    performance.mark(`venue:scene-shown:${info.id}`);
    if (announce) {
      const count = info.hotspots?.length ?? 0;
      this.view.announce(this.ui(count === 1 ? 'now_in_one' : 'now_in', { scene: name, count }));
    }
    this.prefetchNeighbours(info);
  }

  /** Put a loaded scene on the stage: model, sky, ambient light, markers and screens. */
  async mountScene(info, gltf) {
    const model = gltf.scene;
    const sky = createSky(info.sky, (path) => bundleUrl(path, this.baseUrl));
    // The parsed scene is cached and may be shown again, so the screens give
    // its pictures their own materials back before it leaves the stage.
    this.screens?.dispose();
    this.screens = null;
    this.stage.setContent(model, sky, info.ambient);
    sky.ready.then(() => this.stage.invalidate());

    this.nodes = { hotspots: new Map(), viewpoints: new Map() };
    for (const hotspot of info.hotspots ?? []) {
      const node = model.getObjectByName(hotspot.node ?? `hotspot_${hotspot.id}`);
      if (node) this.nodes.hotspots.set(hotspot.id, node);
      else console.warn(`hotspot ${hotspot.id} has no node in ${info.file}`);
    }
    for (const viewpoint of info.viewpoints ?? []) {
      const node = model.getObjectByName(viewpoint.node ?? `viewpoint_${viewpoint.id}`);
      if (node) this.nodes.viewpoints.set(viewpoint.id, node);
      else console.warn(`viewpoint ${viewpoint.id} has no node in ${info.file}`);
    }
    this.markers = new Map();
    for (const [id, node] of this.nodes.hotspots) {
      const sprite = createMarker(id);
      sprite.position.copy(node.getWorldPosition(new Vector3()));
      this.markers.set(id, sprite);
    }
    this.redrawMarkers();
    this.stage.setMarkers([...this.markers.values()]);
    this.screens = new ScreenSet(this, this.stage, model, info);
  }

  /** Download the scenes that this scene's hotspots lead to, after it is shown. */
  prefetchNeighbours(info) {
    if (!this.stage) return;
    for (const hotspot of info.hotspots ?? []) {
      const target = hotspot.action?.type === 'scene' && this.scenes.get(hotspot.action.scene);
      if (target && target.id !== info.id) this.loader.prefetch(target.file);
    }
  }

  redrawMarkers() {
    let changed = false;
    for (const [id, sprite] of this.markers) {
      const hotspot = this.hotspot(id);
      if (!hotspot) continue;
      const kind = hotspot.action?.type ?? 'url';
      changed = updateMarker(sprite, {
        label: this.hotspotLabel(hotspot),
        kind,
        color: markerColor(kind, this.hotspotStatus(hotspot)),
      }) || changed;
    }
    if (changed) this.stage?.invalidate();
  }

  /** Go to scene `id` from a hotspot or the scene list. */
  goToScene(id) {
    return this.showScene(id, { focusTitle: true });
  }

  // -- camera ----------------------------------------------------------------------

  moveSeconds(distance) {
    return this.reducedMotion() ? 0 : flightSeconds(distance);
  }

  /**
   * Move to viewpoint `id` of the current scene: a flight, or a jump when the
   * visitor prefers reduced motion or `seconds` is 0. Resolves with arrival.
   */
  async goToViewpoint(id, { seconds = null, stopTour = false } = {}) {
    if (stopTour) this.tours.stop();
    const info = this.sceneInfo?.viewpoints?.find((item) => item.id === id);
    if (!info) return true;
    this.viewpointId = id;
    this.view.markViewpoint(id);
    this.syncUrl();
    const node = this.nodes.viewpoints.get(id);
    if (!this.stage || !node) return true;
    const pose = this.stage.poseFromNode(node, info.fov ?? node.userData?.fov);
    const distance = this.stage.camera.position.distanceTo(pose.position);
    return this.stage.moveTo(pose, seconds ?? this.moveSeconds(distance));
  }

  goToViewpointFromPanel(id) {
    this.closePanel();
    return this.goToViewpoint(id, { stopTour: true });
  }

  /** Turn the camera to face hotspot `id`; resolves with arrival. */
  faceHotspot(id, { seconds = null } = {}) {
    const node = this.nodes.hotspots.get(id);
    if (!this.stage || !node) return Promise.resolve(true);
    const pose = this.stage.poseFacing(node.getWorldPosition(new Vector3()));
    return this.stage.moveTo(pose, seconds ?? (this.reducedMotion() ? 0 : FACE_SECONDS));
  }

  onUserMove() {
    this.tours.stop();
    if (this.viewpointId !== null) {
      this.viewpointId = null;
      this.view.markViewpoint(null);
      this.syncUrl();
    }
  }

  // -- hotspots, panels, tours -------------------------------------------------------

  /** Open the panel of hotspot `id` of the current scene. */
  openHotspot(id, { focus = false, opener = null } = {}) {
    const hotspot = this.hotspot(id);
    if (!hotspot) return;
    this.openHotspotId = id;
    this.stage?.setPriorityHotspot(id);
    this.panel.showHotspot(hotspot, { focus, opener });
    this.view.markOpenHotspot(id);
    this.syncUrl();
  }

  /**
   * Open the panel of session `id`: the panel of a hotspot of this scene that
   * opens it, else a panel of the session alone.
   */
  openSession(id, { focus = false, opener = null } = {}) {
    const session = this.sessions.get(id);
    if (!session) return;
    const hotspot = this.sceneInfo?.hotspots?.find((item) => item.action?.type === 'session'
      && item.action.session === id);
    if (hotspot) {
      this.openHotspot(hotspot.id, { focus, opener });
      return;
    }
    this.openHotspotId = null;
    this.stage?.setPriorityHotspot(null);
    this.view.markOpenHotspot(null);
    this.panel.showSession(session, { focus, opener });
    this.syncUrl();
  }

  /** Open the panel of the session that screen `id` shows, if it shows one. */
  openScreen(id, options = {}) {
    const screen = this.sceneInfo?.screens?.find((item) => item.id === id);
    const { session } = screen ? this.screenProgramme(screen) : { session: null };
    if (session) this.openSession(session.id, options);
  }

  openShare({ opener = null } = {}) {
    this.openHotspotId = null;
    this.view.markOpenHotspot(null);
    this.panel.showShare({ focus: true, opener });
    this.syncUrl();
  }

  /** Close the panel; `restoreFocus` returns focus to the control that opened it. */
  closePanel({ restoreFocus = false } = {}) {
    this.panel.close({ restoreFocus });
    if (this.openHotspotId !== null) {
      this.openHotspotId = null;
      this.view.markOpenHotspot(null);
      this.syncUrl();
    }
  }

  startTour(id) {
    const tour = this.sceneInfo?.tours?.find((item) => item.id === id);
    if (tour) this.tours.start(tour);
  }

  onKeyDown(event) {
    if (event.key !== 'Escape') return;
    if (this.panel.isOpen) {
      event.preventDefault();
      this.closePanel({ restoreFocus: true });
    } else if (this.tours.playing) {
      event.preventDefault();
      this.tours.stop();
    }
  }

  // -- language, clock and URL ---------------------------------------------------------

  setLanguage(lang) {
    if (!this.languages.includes(lang) || lang === this.lang) return;
    this.lang = lang;
    this.view.renderStatic();
    if (this.sceneInfo) {
      this.view.renderScene();
      this.redrawMarkers();
      this.screens?.update();
      document.title = `${this.sceneName(this.sceneId)} · ${this.text(this.venue.title)}`;
      if (this.panel.content?.kind === 'hotspot') {
        this.panel.showHotspot(this.hotspot(this.panel.content.id), { opener: this.panel.opener });
      } else if (this.panel.content?.kind === 'session') {
        const session = this.sessions.get(this.panel.content.id);
        this.panel.showSession(session, { opener: this.panel.opener });
      } else if (this.panel.content?.kind === 'share') {
        this.panel.showShare({ opener: this.panel.opener });
      }
    }
    this.syncUrl();
  }

  refreshStatuses() {
    this.view.renderClock();
    if (!this.sceneInfo) return;
    this.redrawMarkers();
    this.view.refreshHotspotStatuses();
    this.view.refreshScreens();
    this.screens?.update();
    this.panel.refresh();
  }

  /** Mirror the scene, viewpoint or open hotspot, and the language, in the URL. */
  syncUrl() {
    if (!this.sceneId) return;
    replaceView({
      scene: this.sceneId,
      viewpoint: this.viewpointId,
      hotspot: this.openHotspotId,
    }, { lang: this.lang });
  }

  /** Apply a view read from the URL: {scene, viewpoint, hotspot}. */
  async applyView(view) {
    if (view.scene && view.scene !== this.sceneId) {
      await this.showScene(view.scene, { viewpoint: view.viewpoint, hotspot: view.hotspot });
      return;
    }
    if (view.hotspot && this.hotspot(view.hotspot)) {
      await this.faceHotspot(view.hotspot);
      this.openHotspot(view.hotspot);
    } else if (view.viewpoint) {
      this.closePanel();
      await this.goToViewpoint(view.viewpoint, { stopTour: true });
    }
  }

  /** Return a summary of the view, for automation and tests. */
  state() {
    return {
      scene: this.sceneId,
      viewpoint: this.viewpointId,
      hotspot: this.openHotspotId,
      panel: this.panel.content ? { kind: this.panel.content.kind, id: this.panel.content.id } : null,
      lang: this.lang,
      touring: this.tours.playing,
      tourStop: this.tours.playing ? this.tours.index : null,
      now: new Date(this.clock.now()).toISOString(),
    };
  }
}
