// The page around the 3D view. The top bar has the scenes, clock, language,
// share and VR buttons. The sidebar mirrors every hotspot and screen of the
// scene as a button and lists the viewpoints and tours. Below them are the
// tour caption, the loading indicator, notices and the screen reader
// announcer.

import { formatClock } from './clock.js';
import { clear, el } from './dom.js';
import { LANGUAGE_NAMES } from './text.js';
import { markerColor } from './markers.js';

const byId = (id) => document.getElementById(id);

export class Ui {
  constructor(player) {
    this.player = player;
    this.sceneList = byId('scene-list');
    this.hotspotList = byId('hotspot-list');
    this.screenList = byId('screen-list');
    this.viewpointList = byId('viewpoint-list');
    this.tourList = byId('tour-list');
    this.languageSwitch = byId('language-switch');
    this.clock = byId('clock');
    this.caption = byId('caption');
    this.loading = byId('loading');
    this.notice = byId('notice');
    this.announcer = byId('announcer');
    this.sidebarToggle = byId('sidebar-toggle');
    this.sidebarBody = byId('sidebar-body');

    byId('share-scene').addEventListener('click', (event) => {
      player.openShare({ opener: event.currentTarget });
    });
    byId('caption-stop').addEventListener('click', () => player.tours.stop());
    this.sidebarToggle.addEventListener('click', () => {
      this.setSidebarOpen(this.sidebarToggle.getAttribute('aria-expanded') !== 'true');
    });
    // The sidebar and panel sit below the top bar, whose height varies.
    const topBar = document.querySelector('.top-bar');
    new ResizeObserver(() => {
      document.documentElement.style.setProperty('--top-offset', `${topBar.offsetHeight}px`);
    }).observe(topBar);
    // On small screens the list starts folded, so the view stays visible.
    if (window.matchMedia('(max-width: 700px)').matches) this.setSidebarOpen(false);
  }

  setSidebarOpen(open) {
    this.sidebarToggle.setAttribute('aria-expanded', String(open));
    this.sidebarBody.hidden = !open;
    this.sidebarToggle.textContent = this.player.ui(open ? 'hide_list' : 'show_list');
  }

  /** Rewrite every static interface string in the current language. */
  renderStatic() {
    const player = this.player;
    document.documentElement.lang = player.lang;
    for (const node of document.querySelectorAll('[data-ui]')) {
      node.textContent = player.ui(node.dataset.ui);
    }
    for (const node of document.querySelectorAll('[data-ui-label]')) {
      node.setAttribute('aria-label', player.ui(node.dataset.uiLabel));
    }
    this.setSidebarOpen(this.sidebarToggle.getAttribute('aria-expanded') === 'true');
    byId('venue-title').textContent = player.text(player.venue.title);
    this.languageSwitch.setAttribute('aria-label', player.ui('language'));
    this.renderLanguages();
    this.renderClock();
  }

  renderLanguages() {
    const player = this.player;
    clear(this.languageSwitch);
    const languages = player.languages;
    this.languageSwitch.hidden = languages.length < 2;
    for (const code of languages) {
      this.languageSwitch.append(el('button', {
        className: 'button language',
        attrs: { type: 'button', lang: code, 'aria-pressed': String(code === player.lang) },
        dataset: { lang: code },
        text: LANGUAGE_NAMES[code] ?? code,
        on: { click: () => player.setLanguage(code) },
      }));
    }
  }

  renderClock() {
    const player = this.player;
    const time = formatClock(player.clock.now(), player.timeZone);
    const preview = player.clock.isPreview ? ` (${player.ui('preview')})` : '';
    const text = `${player.ui('clock')}: ${time}${preview}`;
    if (this.clock.textContent !== text) this.clock.textContent = text;
  }

  /**
   * Rebuild the scene buttons, the scene's texts and its lists of hotspots,
   * screens, viewpoints and tours.
   */
  renderScene() {
    const player = this.player;
    const info = player.sceneInfo;
    this.renderSceneList();
    byId('scene-title').textContent = player.text(info.title);
    byId('scene-description').textContent = player.text(info.description);
    byId('hotspots-heading').textContent = player.ui('hotspots_in', {
      scene: player.text(info.title),
    });
    player.stage?.canvas.setAttribute('aria-label', player.ui('view_label', {
      scene: player.text(info.title),
    }));
    this.renderHotspots();
    this.renderScreens();
    this.renderViewpoints();
    this.renderTours();
  }

  /** Build the scene buttons once; later calls relabel them and move aria-current. */
  renderSceneList() {
    const player = this.player;
    if (!this.sceneList.children.length) {
      for (const scene of player.tour.scenes) {
        this.sceneList.append(el('li', {}, [el('button', {
          className: 'button scene-button',
          attrs: { type: 'button' },
          dataset: { scene: scene.id },
          on: { click: () => player.goToScene(scene.id) },
        })]));
      }
    }
    for (const button of this.sceneList.querySelectorAll('button[data-scene]')) {
      button.textContent = player.sceneName(button.dataset.scene);
      if (button.dataset.scene === player.sceneId) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
  }

  renderHotspots() {
    const player = this.player;
    const hotspots = player.sceneInfo.hotspots ?? [];
    clear(this.hotspotList);
    if (!hotspots.length) {
      this.hotspotList.append(el('li', { className: 'empty', text: player.ui('no_hotspots') }));
    }
    for (const hotspot of hotspots) {
      const detail = this.hotspotDetail(hotspot);
      const open = player.openHotspotId === hotspot.id;
      this.hotspotList.append(el('li', {}, [el('button', {
        className: 'button item',
        attrs: { type: 'button', 'aria-controls': 'panel', 'aria-expanded': String(open) },
        dataset: { hotspot: hotspot.id, status: detail.status ?? '' },
        on: { click: (event) => player.openHotspot(hotspot.id, { focus: true, opener: event.currentTarget }) },
      }, [
        el('span', {
          className: 'item-dot',
          attrs: { 'aria-hidden': 'true', style: `background:${detail.color}` },
        }),
        el('span', { className: 'item-title', text: player.hotspotLabel(hotspot) }),
        el('span', { className: 'item-detail', text: detail.text }),
      ])]));
    }
  }

  hotspotDetail(hotspot) {
    const player = this.player;
    const action = hotspot.action ?? {};
    if (action.type === 'session') {
      const status = player.hotspotStatus(hotspot);
      return { status, text: player.ui(`status_${status}`), color: markerColor('session', status) };
    }
    if (action.type === 'scene') {
      return { text: player.ui('kind_scene'), color: markerColor('scene') };
    }
    if (action.type === 'viewpoint') {
      return { text: player.ui('kind_viewpoint'), color: markerColor('viewpoint') };
    }
    return { text: player.ui('kind_url'), color: markerColor('url') };
  }

  /** Update the session statuses shown in the hotspot list. */
  refreshHotspotStatuses() {
    for (const button of this.hotspotList.querySelectorAll('button[data-hotspot]')) {
      const hotspot = this.player.hotspot(button.dataset.hotspot);
      if (hotspot?.action?.type !== 'session') continue;
      const detail = this.hotspotDetail(hotspot);
      if (button.dataset.status === detail.status) continue;
      button.dataset.status = detail.status;
      button.querySelector('.item-detail').textContent = detail.text;
      button.querySelector('.item-dot').style.background = detail.color;
    }
  }

  /** Return how a screen's list entry reads: {key, text, color, session}. */
  screenDetail(screen) {
    const player = this.player;
    const { kind, session } = player.screenProgramme(screen);
    if (!session) {
      return {
        key: 'none',
        text: player.ui('screen_no_session'),
        color: markerColor('session', 'ended'),
        session: null,
      };
    }
    const status = player.ui(kind === 'replay' ? 'screen_replay' : `status_${kind}`);
    const title = player.text(session.title) || session.id;
    return {
      key: `${kind}|${session.id}|${player.lang}`,
      text: player.ui('screen_detail', { status, title }),
      color: markerColor('session', kind),
      session,
    };
  }

  /** List the scene's screens; each button opens the session that its screen shows. */
  renderScreens() {
    const player = this.player;
    const screens = player.sceneInfo.screens ?? [];
    clear(this.screenList);
    byId('screens-section').hidden = screens.length === 0;
    for (const screen of screens) {
      const channel = player.channels.get(screen.channel);
      const name = player.text(screen.title) || player.text(channel?.title) || screen.id;
      const button = el('button', {
        className: 'button item',
        attrs: { type: 'button', 'aria-controls': 'panel' },
        dataset: { screen: screen.id },
        on: {
          click: (event) => player.openScreen(screen.id, { focus: true, opener: event.currentTarget }),
        },
      }, [
        el('span', { className: 'item-dot', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'item-title', text: name }),
        el('span', { className: 'item-detail' }),
      ]);
      this.screenList.append(el('li', {}, [button]));
    }
    this.refreshScreens();
  }

  /** Update the status and session title in each screen's list entry. */
  refreshScreens() {
    const screens = this.player.sceneInfo?.screens ?? [];
    for (const button of this.screenList.querySelectorAll('button[data-screen]')) {
      const screen = screens.find((item) => item.id === button.dataset.screen);
      if (!screen) continue;
      const detail = this.screenDetail(screen);
      if (button.dataset.showing === detail.key) continue;
      button.dataset.showing = detail.key;
      button.dataset.session = detail.session?.id ?? '';
      button.setAttribute('aria-disabled', String(!detail.session));
      button.querySelector('.item-detail').textContent = detail.text;
      button.querySelector('.item-dot').style.background = detail.color;
    }
  }

  markOpenHotspot(id) {
    for (const button of this.hotspotList.querySelectorAll('button[data-hotspot]')) {
      button.setAttribute('aria-expanded', String(button.dataset.hotspot === id));
    }
  }

  renderViewpoints() {
    const player = this.player;
    const viewpoints = player.sceneInfo.viewpoints ?? [];
    clear(this.viewpointList);
    byId('viewpoints-section').hidden = viewpoints.length < 2;
    for (const viewpoint of viewpoints) {
      this.viewpointList.append(el('li', {}, [el('button', {
        className: 'button item',
        attrs: { type: 'button', 'aria-current': viewpoint.id === player.viewpointId ? 'true' : null },
        dataset: { viewpoint: viewpoint.id },
        on: { click: () => player.goToViewpoint(viewpoint.id, { stopTour: true }) },
      }, [
        el('span', {
          className: 'item-dot',
          attrs: { 'aria-hidden': 'true', style: `background:${markerColor('viewpoint')}` },
        }),
        el('span', { className: 'item-title', text: player.viewpointName(viewpoint.id) }),
      ])]));
    }
  }

  markViewpoint(id) {
    for (const button of this.viewpointList.querySelectorAll('button[data-viewpoint]')) {
      if (button.dataset.viewpoint === id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  renderTours() {
    const player = this.player;
    const tours = player.sceneInfo.tours ?? [];
    clear(this.tourList);
    byId('tours-section').hidden = tours.length === 0;
    for (const tour of tours) {
      const name = player.text(tour.title) || tour.id;
      this.tourList.append(el('li', {}, [el('button', {
        className: 'button item',
        attrs: { type: 'button', 'aria-label': player.ui('start_tour', { name }) },
        dataset: { tour: tour.id },
        on: { click: () => player.startTour(tour.id) },
      }, [
        el('span', { className: 'item-dot tour-dot', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'item-title', text: name }),
      ])]));
    }
  }

  focusSceneTitle() {
    byId('scene-title').focus({ preventScroll: true });
  }

  /** Show a tour stop's caption, or hide the caption bar when `tour` is null. */
  showCaption(tour, stop, index) {
    const player = this.player;
    this.caption.hidden = tour === null;
    document.body.classList.toggle('touring', tour !== null);
    if (tour === null) return;
    byId('caption-text').textContent = player.text(stop.caption)
      || player.text(tour.title) || tour.id;
    byId('caption-progress').textContent = player.ui('tour_stop', {
      index: index + 1, count: tour.stops.length,
    });
  }

  /** Show loading progress for `name`; `fraction` null means unknown size. */
  showLoading(name, fraction) {
    const percent = fraction === null ? null : Math.round(fraction * 100);
    this.loading.hidden = false;
    byId('loading-label').textContent = this.player.ui('loading_scene', { name })
      + (percent === null ? '…' : ` ${percent}%`);
    this.loading.setAttribute('aria-label', this.player.ui('loading_scene', { name }));
    if (percent === null) this.loading.removeAttribute('aria-valuenow');
    else this.loading.setAttribute('aria-valuenow', String(percent));
    byId('loading-bar').style.width = `${percent ?? 30}%`;
    this.loading.classList.toggle('indeterminate', percent === null);
  }

  hideLoading() {
    this.loading.hidden = true;
  }

  /** Show a notice; with `action` ({label, run}) it carries a button. */
  showNotice(text, action = null) {
    clear(this.notice);
    this.notice.append(el('span', { text }));
    if (action) {
      this.notice.append(el('button', {
        className: 'button',
        attrs: { type: 'button' },
        text: action.label,
        on: { click: () => { this.hideNotice(); action.run(); } },
      }));
    }
    this.notice.hidden = false;
  }

  hideNotice() {
    this.notice.hidden = true;
    clear(this.notice);
  }

  /** Say `text` to screen readers through the polite live region. */
  announce(text) {
    this.announcer.textContent = '';
    // A fresh node after a pause makes screen readers announce a repeated text.
    setTimeout(() => { this.announcer.textContent = text; }, 50);
  }
}
