// Guided tour playback: visit each stop, hold it, show its caption, go on.
// A viewpoint stop moves the camera to the viewpoint; a hotspot stop turns
// the camera to face the hotspot and opens its panel. The hold time counts
// from the moment the camera arrives, as in the desktop viewer.

export class TourPlayer {
  /**
   * `host` provides goToViewpoint(id) and faceHotspot(id), both returning a
   * promise of arrival (true) or interruption (false), openHotspot(id),
   * closePanel() and showCaption(tour, stop, index) (null tour hides it).
   */
  constructor(host) {
    this.host = host;
    this.tour = null;
    this.index = 0;
    this.visit = 0; // counts stop visits, so a late arrival or timer is ignored
    this.timer = null;
  }

  get playing() {
    return this.tour !== null;
  }

  /** Start `tour` from its first stop; a tour without stops does nothing. */
  start(tour) {
    this.stop();
    if (!tour?.stops?.length) return;
    this.tour = tour;
    this.enter(0);
  }

  /** Stop the tour and hide its caption. */
  stop() {
    if (this.tour === null) return;
    this.tour = null;
    this.visit += 1;
    clearTimeout(this.timer);
    this.host.showCaption(null, null, 0);
  }

  async enter(index) {
    const tour = this.tour;
    this.index = index;
    this.visit += 1;
    const visit = this.visit;
    clearTimeout(this.timer);
    const stop = tour.stops[index];
    this.host.closePanel();
    this.host.showCaption(tour, stop, index);

    const arrived = stop.viewpoint !== undefined
      ? await this.host.goToViewpoint(stop.viewpoint)
      : await this.host.faceHotspot(stop.hotspot);
    if (visit !== this.visit) return;
    if (!arrived) {
      this.stop();
      return;
    }
    if (stop.hotspot !== undefined) this.host.openHotspot(stop.hotspot);
    const hold = Number(stop.hold ?? 5);
    this.timer = setTimeout(() => this.next(visit), Math.max(hold, 0) * 1000);
  }

  next(visit) {
    if (visit !== this.visit || this.tour === null) return;
    const following = this.index + 1;
    if (following < this.tour.stops.length) {
      this.enter(following);
    } else if (this.tour.loop) {
      this.enter(0);
    } else {
      this.host.closePanel();
      this.stop();
    }
  }
}
