// The panel: what a hotspot opens (session status, countdown, video, links,
// scene and viewpoint actions), a session shown on a screen, and the share
// section with the deep link and its QR code. All bundle text goes in as
// text nodes.

import { formatCountdown, formatSessionTime } from './clock.js';
import { bundleUrl, clear, el, webUrl } from './dom.js';
import { timeToStart } from './sessions.js';
import { shareLink } from './deeplink.js';
import { playVideo, videoKind } from './video.js';

export class Panel {
  /** `player` supplies text, sessions, the clock and the actions (see app.js). */
  constructor(player) {
    this.player = player;
    this.element = document.getElementById('panel');
    this.title = document.getElementById('panel-title');
    this.body = document.getElementById('panel-body');
    this.closeButton = document.getElementById('panel-close');
    this.closeButton.addEventListener('click', () => player.closePanel());
    this.content = null; // {kind, id, refresh}
    this.video = null;
    this.opener = null;
  }

  get isOpen() {
    return !this.element.hidden;
  }

  /** Show `hotspot`'s panel; focus its title when `focus` is true. */
  showHotspot(hotspot, { focus = false, opener = null } = {}) {
    this.reset();
    const player = this.player;
    this.title.textContent = player.hotspotLabel(hotspot);
    const action = hotspot.action ?? {};
    let refresh = () => false;
    if (action.type === 'session') {
      refresh = this.sessionSection(player.sessions.get(action.session), this.title.textContent);
    } else if (action.type === 'scene') {
      const name = player.sceneName(action.scene);
      this.body.append(el('p', { className: 'panel-actions' }, [
        el('button', {
          className: 'button primary',
          attrs: { type: 'button' },
          text: player.ui('go_scene', { name }),
          on: { click: () => player.goToScene(action.scene) },
        }),
      ]));
    } else if (action.type === 'viewpoint') {
      const name = player.viewpointName(action.viewpoint);
      this.body.append(el('p', { className: 'panel-actions' }, [
        el('button', {
          className: 'button primary',
          attrs: { type: 'button' },
          text: player.ui('go_viewpoint', { name }),
          on: { click: () => player.goToViewpointFromPanel(action.viewpoint) },
        }),
      ]));
    } else if (action.type === 'url') {
      this.body.append(this.linkBlock(action.url, player.ui('open_link')));
    }
    const description = player.text(hotspot.description);
    if (description) this.body.append(el('p', { className: 'description', text: description }));
    this.body.append(this.shareSection({ scene: player.sceneId, hotspot: hotspot.id }));
    this.content = { kind: 'hotspot', id: hotspot.id, refresh };
    this.show(focus, opener);
  }

  /** Show the panel of `session` alone, as a screen opens it. */
  showSession(session, { focus = false, opener = null } = {}) {
    this.reset();
    const player = this.player;
    this.title.textContent = player.text(session.title) || session.id;
    const refresh = this.sessionSection(session, this.title.textContent);
    this.body.append(this.shareSection({ scene: player.sceneId }));
    this.content = { kind: 'session', id: session.id, refresh };
    this.show(focus, opener);
  }

  /** Show the share panel of the current scene. */
  showShare({ focus = false, opener = null } = {}) {
    this.reset();
    this.title.textContent = this.player.ui('share_scene');
    this.body.append(this.shareSection({ scene: this.player.sceneId }));
    this.content = { kind: 'share', id: this.player.sceneId, refresh: () => false };
    this.show(focus, opener);
  }

  show(focus, opener) {
    this.opener = opener;
    this.element.hidden = false;
    this.element.dataset.kind = this.content.kind;
    this.element.dataset.id = this.content.id;
    if (focus) this.title.focus();
  }

  /** Close the panel; return focus to what opened it when `restoreFocus`. */
  close({ restoreFocus = false } = {}) {
    if (!this.isOpen) return;
    this.reset();
    this.element.hidden = true;
    this.content = null;
    const opener = this.opener;
    this.opener = null;
    if (restoreFocus && opener?.isConnected) opener.focus();
  }

  reset() {
    this.video?.destroy();
    this.video = null;
    clear(this.body);
  }

  /** Update statuses and countdowns; rebuild when a session's status changed. */
  refresh() {
    if (!this.content) return;
    if (!this.content.refresh() || this.video) return;
    if (this.content.kind === 'hotspot') {
      const hotspot = this.player.hotspot(this.content.id);
      if (hotspot) this.showHotspot(hotspot, { opener: this.opener });
    } else if (this.content.kind === 'session') {
      const session = this.player.sessions.get(this.content.id);
      if (session) this.showSession(session, { opener: this.opener });
    }
  }

  /**
   * Append `session`'s status, countdown, details and watch block; `heading`
   * is the panel's title, which the session title does not repeat. Returns
   * the refresh function: true when the status changed and the panel needs
   * rebuilding.
   */
  sessionSection(session, heading) {
    const player = this.player;
    if (!session) return () => false;
    let status = player.sessionStatus(session);
    const statusLine = el('p', { className: `status status-${status}`, dataset: { status } }, [
      el('span', { className: 'status-dot', attrs: { 'aria-hidden': 'true' } }),
      player.ui(`status_${status}`),
    ]);
    const countdown = el('p', { className: 'countdown', hidden: status !== 'upcoming' });
    const updateCountdown = () => {
      const left = formatCountdown(timeToStart(session, player.clock.now()),
        (days, hours) => player.ui('days_hours', { days, hours }));
      countdown.textContent = player.ui('starts_in', { time: left });
    };
    if (status === 'upcoming') updateCountdown();
    this.body.append(statusLine, countdown);

    const title = player.text(session.title);
    if (title && title !== heading) {
      this.body.append(el('p', { className: 'session-title', text: title }));
    }
    this.body.append(el('p', { className: 'session-time' }, [
      el('time', {
        attrs: { datetime: session.start },
        text: formatSessionTime(Date.parse(session.start), Date.parse(session.end),
          player.timeZone),
      }),
    ]));
    const channel = player.channels.get(session.channel);
    if (channel) {
      this.body.append(el('p', { text: player.ui('channel', { name: player.text(channel.title) }) }));
    }
    const names = (session.speakers ?? []).map((speaker) => {
      const name = player.text(speaker.name);
      const affiliation = player.text(speaker.affiliation);
      return affiliation ? `${name} (${affiliation})` : name;
    }).filter(Boolean);
    if (names.length) {
      this.body.append(el('p', { text: player.ui('speakers', { names: names.join(', ') }) }));
    }
    const description = player.text(session.description);
    if (description) this.body.append(el('p', { className: 'description', text: description }));
    const sound = this.screenSoundButton(session);
    this.body.append(this.watchBlock(session, status, title), sound.element);

    return () => {
      const now = player.sessionStatus(session);
      if (now !== status) {
        status = now;
        return true;
      }
      if (status === 'upcoming') updateCountdown();
      sound.update();
      return false;
    };
  }

  /**
   * Return {element, update}: a button that turns on or off the sound of the
   * screens that show `session`, hidden while none does. Screens start muted.
   */
  screenSoundButton(session) {
    const player = this.player;
    const button = el('button', {
      className: 'button screen-sound',
      attrs: { type: 'button' },
      on: {
        click: () => {
          player.screens?.setSound(session.id, !player.screens.soundOn(session.id));
          update();
        },
      },
    });
    const element = el('p', { className: 'panel-actions' }, [button]);
    const update = () => {
      const shown = Boolean(player.screens?.shows(session.id));
      element.hidden = !shown;
      const soundOn = shown && player.screens.soundOn(session.id);
      const text = player.ui(soundOn ? 'screen_sound_off' : 'screen_sound_on');
      if (button.textContent !== text) button.textContent = text;
    };
    update();
    return { element, update };
  }

  posterUrl(session) {
    return session.poster ? bundleUrl(session.poster, this.player.baseUrl) : null;
  }

  watchBlock(session, status, title) {
    const player = this.player;
    const block = el('div', { className: 'watch' });
    const poster = this.posterUrl(session);
    const link = this.player.sessionLink(session, status);
    if (status === 'upcoming' && poster) {
      block.append(el('img', {
        className: 'poster',
        attrs: { src: poster, alt: player.ui('poster_alt', { name: title }) },
      }));
    }
    if (!link) return block;

    const label = player.ui(status === 'live' ? 'watch_live' : 'watch_replay');
    if (webUrl(link) === null) {
      block.append(el('p', { className: 'note', attrs: { role: 'note' }, text: player.ui('link_blocked') }));
      return block;
    }
    if (videoKind(link) === 'page') {
      block.append(this.linkBlock(link, player.ui('open_stream_page')));
      return block;
    }

    const screen = el('div', { className: 'video-area' });
    const button = el('button', {
      className: 'button primary',
      attrs: { type: 'button' },
      text: label,
      on: {
        click: () => {
          button.hidden = true;
          this.startVideo(screen, link, poster, title);
        },
      },
    });
    block.append(el('p', { className: 'panel-actions' }, [button]), screen);
    return block;
  }

  startVideo(screen, url, poster, title) {
    const player = this.player;
    this.video?.destroy();
    const video = playVideo(screen, {
      url,
      poster,
      label: title,
      unsupportedText: player.ui('video_unsupported'),
      onFailure: (reason) => {
        this.video = null;
        console.warn(`video ${url} failed: ${reason}`);
        if (poster) {
          screen.append(el('img', {
            className: 'poster',
            attrs: { src: poster, alt: player.ui('poster_alt', { name: title }) },
          }));
        }
        screen.append(el('p', {
          className: 'note error',
          attrs: { role: 'alert' },
          text: player.ui('video_failed', { reason }),
        }));
      },
    });
    // One sound at a time: the panel's video silences the screens.
    video.video.addEventListener('play', () => player.screens?.muteAll());
    this.video = video;
  }

  /** Return an http(s) link that opens in a new tab, or a note when blocked. */
  linkBlock(url, label) {
    const safe = webUrl(url);
    if (safe === null) {
      return el('p', { className: 'note error', attrs: { role: 'note' }, text: this.player.ui('link_blocked') });
    }
    const anchor = el('a', {
      className: 'button primary',
      attrs: { href: safe, target: '_blank', rel: 'noopener noreferrer' },
      text: label,
      on: {
        click: (event) => {
          // The href was checked when set; check again in case it was changed.
          if (webUrl(anchor.href) === null) event.preventDefault();
        },
      },
    });
    return el('div', { className: 'link-block' }, [
      el('p', { className: 'url', text: new URL(safe).host + new URL(safe).pathname }),
      el('p', { className: 'panel-actions' }, [anchor]),
    ]);
  }

  shareSection(view) {
    const player = this.player;
    const key = view.hotspot ? `${view.scene}--${view.hotspot}` : view.scene;
    const entry = player.share?.links?.[key];
    const link = entry?.url ?? shareLink(view, player.share?.base_url);
    const field = el('input', {
      className: 'share-url',
      attrs: { type: 'text', readonly: true, value: link, 'aria-label': player.ui('share_link') },
    });
    const copy = el('button', {
      className: 'button',
      attrs: { type: 'button' },
      text: player.ui('copy_link'),
      on: { click: () => this.copyLink(field, copy) },
    });
    const section = el('section', { className: 'share', attrs: { 'aria-label': player.ui('share') } }, [
      el('h3', { text: player.ui('share') }),
      el('div', { className: 'share-row' }, [field, copy]),
    ]);

    const svg = entry ? bundleUrl(entry.svg, player.baseUrl) : null;
    const png = entry ? bundleUrl(entry.png, player.baseUrl) : null;
    if (svg) {
      section.append(el('img', {
        className: 'qr',
        attrs: { src: svg, alt: player.ui('qr_alt', { url: link }), width: 128, height: 128 },
      }));
    }
    if (png) {
      section.append(el('p', {}, [el('a', {
        attrs: { href: png, download: `${key}.png` },
        text: player.ui('download_qr'),
      })]));
    }
    return section;
  }

  async copyLink(field, button) {
    const player = this.player;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      // The clipboard API needs a secure context; select the text instead.
      field.select();
      document.execCommand?.('copy');
    }
    button.textContent = player.ui('copied');
    setTimeout(() => { button.textContent = player.ui('copy_link'); }, 2000);
  }
}
