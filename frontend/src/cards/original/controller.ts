// The original view's frames and data, without the DOM (OriginalView.svelte
// wires it to iframes and postMessage).
//
// - Every (re)load makes a new frame; while it loads, the frame shown stays
//   on screen, and the new one replaces it only once it has taken the
//   newest data (or said it cannot), so no older value ever replaces a newer
//   one on screen (docs/format.md §12).
// - After every (re)load the frame gets the newest data at once; every newer
//   data JSON is pushed as it arrives (the store fetches it on the SSE
//   card_data_changed event).
// - The bridge applies data whose token fits the page (or "final" data on a
//   runtime page, in place) and asks for a reload otherwise. The parent
//   reloads at most once per data token between HTML changes, and keeps the
//   old frame when the reload brought the same page back: the HTML for that
//   token is not on disk yet, and its change will reload the frame.
// - A card's HTML change always reloads the frame.
// - Heights are clamped, and a frame whose height keeps growing (content
//   sized to its own viewport) stops growing and scrolls instead.

import { createdOn } from '../../lib/carddata';
import type { CardData } from '../../lib/schema';
import { clampHeight, dataMessage, type BridgeMessage, type HostMessage, type Outcome } from './protocol';

export type FrameReason = 'open' | 'html' | 'reload' | 'consent';

export interface FrameView {
  gen: number;
  reason: FrameReason;
  /** The frame runs scripts (sandbox="allow-scripts"). */
  scripts: boolean;
  /** 'shown' is on screen; 'loading' loads behind it. */
  phase: 'loading' | 'shown';
  /** The page's METAFLOW_RELOAD_TOKEN, once its bridge said ready. */
  token: string | null;
  ready: boolean;
  /** The content height the bridge reported (clamped), or null. */
  height: number | null;
  /** The height kept growing with the frame; it no longer grows. */
  frozen: boolean;
  /** A document without the bridge loaded into the frame after the card's own. */
  navigatedAway: boolean;
}

export interface Stats {
  /** Frames created (the first load included). */
  loads: number;
  /** Reloads made because a frame asked (token mismatch). */
  reloads: number;
  reloadRequests: number;
  applied: number;
  /** created_on of the newest data the shown frame applied. */
  appliedCreated: number | null;
  lastOutcome: Outcome | 'reload' | null;
  /** Messages from frames that were not ours or not in the bridge format. */
  rejected: number;
}

export interface ControllerDeps {
  post(gen: number, msg: HostMessage): void;
  onChange(): void;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(t: unknown): void;
  log?(event: string, fields: Record<string, unknown>): void;
}

interface Frame extends FrameView {
  sent: CardData | null;
  sentSeq: number;
  awaitSeq: number | null;
  loads: number;
  readies: number;
  /** #dataSerial when the frame was made: its HTML was read after that data. */
  dataSerial: number;
  grows: number[];
  lastStep: number | null;
  timers: unknown[];
}

/** A loading frame is shown anyway after this long (ms). */
export const LOADING_TIMEOUT = 5000;
/** After a load event without the bridge's ready, wait this long (ms). */
export const NO_BRIDGE_GRACE = 800;
/** More than this many equal height steps within GROW_WINDOW ms freeze the height. */
export const GROW_LIMIT = 20;
export const GROW_WINDOW = 3000;

export class OriginalController {
  readonly #d: ControllerDeps;
  #frames: Frame[] = [];
  #gen = 0;
  #seq = 0;
  #data: CardData | null = null;
  /** Counts setData calls, to tell data that came after a frame was made. */
  #dataSerial = 0;
  #scripts: boolean;
  #reloadedFor = new Set<string>();
  #htmlToken: string | null = null;
  #created = new Map<number, number | null>();
  #disposed = false;
  readonly stats: Stats = {
    loads: 0,
    reloads: 0,
    reloadRequests: 0,
    applied: 0,
    appliedCreated: null,
    lastOutcome: null,
    rejected: 0,
  };

  constructor(scripts: boolean, deps: ControllerDeps) {
    this.#scripts = scripts;
    this.#d = deps;
  }

  get scripts(): boolean {
    return this.#scripts;
  }

  get frames(): FrameView[] {
    return this.#frames.map((f) => ({
      gen: f.gen,
      reason: f.reason,
      scripts: f.scripts,
      phase: f.phase,
      token: f.token,
      ready: f.ready,
      height: f.height,
      frozen: f.frozen,
      navigatedAway: f.navigatedAway,
    }));
  }

  get shown(): FrameView | null {
    return this.frames.find((f) => f.phase === 'shown') ?? null;
  }

  start(): void {
    this.#create('open');
  }

  dispose(): void {
    this.#disposed = true;
    for (const f of this.#frames) this.#clearTimers(f);
    this.#frames = [];
  }

  /** The card's HTML changed on disk: load it. */
  htmlChanged(): void {
    this.#reloadedFor.clear();
    this.#create('html');
  }

  /** Reload the card (the user asked). */
  reload(): void {
    this.#reloadedFor.clear();
    this.#create('html');
  }

  /** The user allowed this card's scripts. */
  enableScripts(): void {
    if (this.#scripts) return;
    this.#scripts = true;
    this.#create('consent');
  }

  /** The reload token of the newest HTML the index knows (from the card description). */
  setHtmlToken(t: string | null): void {
    this.#htmlToken = t;
  }

  /** The newest runtime data (the store never goes back in time). */
  setData(d: CardData | null): void {
    if (d === this.#data) return;
    this.#data = d;
    this.#dataSerial++;
    for (const f of this.#frames) this.#send(f);
  }

  /** A message from frame `gen` that was not in the bridge's format. */
  reject(gen: number | null, why: string): void {
    this.stats.rejected++;
    this.#d.log?.('rejected', { gen, why });
    this.#d.onChange();
  }

  /**
   * The iframe of `gen` fired load. Every document with the bridge sends
   * one ready and fires one load, in either order (the frame may run in
   * another process); a load that no ready matches after a short grace is
   * a document without the bridge.
   */
  onLoad(gen: number): void {
    const f = this.#find(gen);
    if (!f) return;
    f.loads++;
    this.#d.log?.('load', { gen, loads: f.loads, readies: f.readies });
    if (!f.scripts) {
      if (f.phase === 'loading') this.#promote(f);
      return;
    }
    const loads = f.loads;
    this.#timer(f, NO_BRIDGE_GRACE, () => {
      if (f.loads !== loads || f.readies >= loads) return;
      // No bridge in this document: the card's page failed, or the card
      // navigated its frame (where the app page's frame-src allows, or to
      // an error page where it does not).
      f.ready = false;
      if (loads > 1) f.navigatedAway = true;
      this.#d.log?.('no-bridge', { gen: f.gen, loads, readies: f.readies });
      if (f.phase === 'loading') this.#promote(f);
      else this.#d.onChange();
    });
  }

  onMessage(gen: number, m: BridgeMessage): void {
    const f = this.#find(gen);
    if (!f || !f.scripts) {
      this.reject(gen, 'not a frame with scripts');
      return;
    }
    switch (m.type) {
      case 'ready':
        return this.#ready(f, m.token, m.height);
      case 'size':
        return this.#height(f, m.height);
      case 'settled':
        return this.#settled(f, m.seq, m.outcome);
      case 'reload':
        return this.#reloadRequest(f, m.seq, m.token, m.dataToken);
    }
  }

  #ready(f: Frame, token: string | null, height: number): void {
    f.ready = true;
    f.readies++;
    f.navigatedAway = false;
    f.token = token;
    f.sent = null; // a new document
    f.awaitSeq = null;
    this.#d.log?.('ready', { gen: f.gen, token, height, phase: f.phase });
    const shown = this.#frames.find((x) => x.phase === 'shown');
    if (f.phase === 'loading' && f.reason === 'reload' && shown && shown.ready && shown.token === token) {
      // The reload brought back the page shown: the HTML for the data's
      // token is not on disk yet. Keep the frame that has the data applied.
      this.#d.log?.('reload-same-page', { gen: f.gen, token });
      this.#discard(f);
      return;
    }
    this.#height(f, height);
    if (this.#data) this.#send(f);
    else if (f.phase === 'loading') this.#promote(f);
  }

  #send(f: Frame): void {
    const d = this.#data;
    if (!d || !f.ready || !f.scripts || f.sent === d) return;
    f.sent = d;
    const seq = ++this.#seq;
    f.sentSeq = seq;
    if (f.phase === 'loading') f.awaitSeq = seq;
    this.#created.set(seq, createdOn(d));
    if (this.#created.size > 64) this.#created.delete(this.#created.keys().next().value as number);
    this.#d.post(f.gen, dataMessage(seq, d));
  }

  #settled(f: Frame, seq: number, outcome: Outcome): void {
    this.stats.lastOutcome = outcome;
    // A loading frame that settled the data it waited for is shown next.
    const promote = f.phase === 'loading' && f.awaitSeq !== null && seq >= f.awaitSeq;
    if (outcome === 'applied' && (f.phase === 'shown' || promote)) {
      this.stats.applied++;
      this.stats.appliedCreated = this.#created.get(seq) ?? this.stats.appliedCreated;
    }
    if (promote) {
      this.#promote(f);
      return;
    }
    this.#d.log?.('settled', { gen: f.gen, seq, outcome });
    this.#d.onChange();
  }

  #reloadRequest(f: Frame, seq: number, token: string | null, dataToken: string | null): void {
    this.stats.reloadRequests++;
    this.stats.lastOutcome = 'reload';
    const d = this.#data;
    // Only a request about the newest data we sent, in the page's own
    // terms, and only once per data token between HTML changes.
    const current = f.ready && seq === f.sentSeq && d !== null && dataToken === d.reload_token && token === f.token;
    const wanted = current && dataToken !== null && dataToken !== 'final' && token !== 'final' && dataToken !== token;
    // A reload can only help when the frame's HTML may be older than the
    // data: not when the frame shows the newest HTML the index knows, and
    // not when the data was already here when the frame was made (its HTML
    // was read after the data was written). Data for an HTML not on disk
    // yet waits for that HTML's change, which reloads the frame.
    const stale = (this.#htmlToken === null || this.#htmlToken !== token) && this.#dataSerial > f.dataSerial;
    if (wanted && stale && !this.#reloadedFor.has(dataToken)) {
      this.#reloadedFor.add(dataToken);
      this.stats.reloads++;
      this.#d.log?.('reload', { gen: f.gen, token, dataToken });
      if (f.phase === 'loading') this.#promote(f);
      this.#create('reload');
      return;
    }
    this.#d.log?.('reload-declined', { gen: f.gen, token, dataToken, current, stale });
    if (f.phase === 'loading' && f.awaitSeq !== null && seq >= f.awaitSeq) this.#promote(f);
    else this.#d.onChange();
  }

  #height(f: Frame, raw: number): void {
    const h = clampHeight(raw);
    if (f.height !== null && h > f.height) {
      // Content sized to its own frame (100vh plus something) grows by the
      // same step every time the frame does: after GROW_LIMIT such steps
      // within GROW_WINDOW, stop growing (the frame scrolls inside).
      // Growth with changing steps (an animation, more rows) is not a loop.
      const now = this.#d.now();
      const step = h - f.height;
      const same = f.lastStep !== null && Math.abs(step - f.lastStep) <= 1;
      f.lastStep = step;
      f.grows = same ? f.grows.filter((t) => now - t < GROW_WINDOW) : [];
      f.grows.push(now);
      if (f.grows.length > GROW_LIMIT && !f.frozen) {
        f.frozen = true;
        this.#d.log?.('height-frozen', { gen: f.gen, height: f.height, step });
        this.#d.onChange();
      }
      if (f.frozen) return;
    }
    if (h === f.height) return;
    f.height = h;
    this.#d.onChange();
  }

  #create(reason: FrameReason): void {
    if (this.#disposed) return;
    for (const old of this.#frames.filter((x) => x.phase === 'loading')) this.#remove(old);
    const hasShown = this.#frames.some((x) => x.phase === 'shown');
    const f: Frame = {
      gen: ++this.#gen,
      reason,
      scripts: this.#scripts,
      phase: hasShown ? 'loading' : 'shown',
      token: null,
      ready: false,
      height: null,
      frozen: false,
      navigatedAway: false,
      sent: null,
      sentSeq: 0,
      awaitSeq: null,
      loads: 0,
      readies: 0,
      dataSerial: this.#dataSerial,
      grows: [],
      lastStep: null,
      timers: [],
    };
    // Consent replaces a frame without scripts at once (nothing ran there).
    if (reason === 'consent') {
      for (const old of this.#frames) this.#remove(old);
      f.phase = 'shown';
    }
    this.#frames.push(f);
    this.stats.loads++;
    if (f.phase === 'loading') this.#timer(f, LOADING_TIMEOUT, () => this.#promote(f));
    this.#d.log?.('frame', { gen: f.gen, reason, scripts: f.scripts, phase: f.phase });
    this.#d.onChange();
  }

  #promote(f: Frame): void {
    if (f.phase !== 'loading' || !this.#frames.includes(f)) return;
    for (const old of this.#frames.filter((x) => x !== f)) this.#remove(old);
    this.#clearTimers(f);
    f.phase = 'shown';
    this.#d.log?.('shown', { gen: f.gen, token: f.token });
    this.#d.onChange();
  }

  #discard(f: Frame): void {
    this.#remove(f);
    this.#d.onChange();
  }

  #remove(f: Frame): void {
    this.#clearTimers(f);
    this.#frames = this.#frames.filter((x) => x !== f);
  }

  #find(gen: number): Frame | undefined {
    return this.#frames.find((f) => f.gen === gen);
  }

  #timer(f: Frame, ms: number, fn: () => void): void {
    f.timers.push(this.#d.setTimer(fn, ms));
  }

  #clearTimers(f: Frame): void {
    for (const t of f.timers) this.#d.clearTimer(t);
    f.timers = [];
  }
}
