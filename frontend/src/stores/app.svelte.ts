// The composition root of the UI: it builds every store from the API client
// and the transport it is given, opens what the route names, and hands each
// change from the stream to the stores. Nothing here is global: main.ts makes
// one AppState and gives it to the components through context.

import type { Api } from '../lib/api';
import { descend, pickOf, type Place } from '../lib/place';
import { depth, parseHash, sameRoute, type Level, type Route } from '../lib/route';
import { makeChange } from '../lib/change';
import type { Change, OpenRequest } from '../lib/schema';
import type { ConnectionState, StreamEvent, Transport, Unsubscribe } from '../lib/transport';
import { CardStore } from './card.svelte';
import { DashboardStore } from './dashboard.svelte';
import { DatastoreStore } from './datastore.svelte';
import { FlowsStore } from './flows.svelte';
import { Notices } from './notices.svelte';
import { Prefs, type PrefsStorage } from './prefs.svelte';
import { Router, type RouterHost } from './router.svelte';
import { OpenRunStore } from './run.svelte';
import { RunsStore } from './runs.svelte';
import { OpenTaskStore } from './task.svelte';
import { Clock, FocusRequests, type Zone } from './ui.svelte';

export interface AppDeps {
  api: Api;
  transport: Transport;
  host: RouterHost;
  storage: PrefsStorage;
}

/** The list that holds the items of each route level. */
const ZONE_OF: Record<Level, Zone> = { flow: 'flows', run: 'runs', step: 'steps', task: 'tasks', card: 'cards', artifact: 'tasks', compare: 'run-table', dashboard: 'steps' };

/** How often the shown run list is reloaded while the index reads runs. */
const UNLOADED_REFRESH_MS = 400;

export class AppState {
  readonly api: Api;
  readonly datastore: DatastoreStore;
  readonly flows: FlowsStore;
  readonly runs: RunsStore;
  readonly run: OpenRunStore;
  readonly task: OpenTaskStore;
  readonly card: CardStore;
  readonly dashboard: DashboardStore;
  readonly router: Router;
  readonly notices = new Notices();
  readonly prefs: Prefs;
  readonly clock = new Clock();
  readonly focus = new FocusRequests();
  connection = $state<ConnectionState>('closed');
  readonly #transport: Transport;
  readonly #host: RouterHost;
  // The first load does not wait for the stream: the stream's first status
  // carries the server's change count at its start (seq), and every answer
  // the count it was read at (api.onSeq). An answer older than the stream
  // may have missed a change that the stream will not send: then, and only
  // then, everything shown is fetched again.
  #connectedOnce = false;
  #awaitingSeq = false;
  #streamSeq: number | null = null;
  #oldestSeq: number | null = null;
  #gapReloaded = false;
  /** Where Follow keeps going down to in a new run (lib/place.ts). */
  #place = $state.raw<Place | null>(null);
  /** The task ("flow/run/step/task") that was just opened and still goes to a card. */
  #autoCard = $state<string | null>(null);
  #loaded = false;
  readonly #changeListeners = new Set<(c: Change) => void>();

  /**
   * Calls listener with every change of the stream, and with a "rescanned"
   * change after a reconnect or rescan (refetch everything); keep and call
   * the result. For views with their own stores (the compare page).
   */
  onChange(listener: (c: Change) => void): Unsubscribe {
    this.#changeListeners.add(listener);
    return () => {
      this.#changeListeners.delete(listener);
    };
  }

  #emitChange(c: Change): void {
    for (const l of [...this.#changeListeners]) {
      try {
        l(c);
      } catch (err) {
        console.error('flowdeck: change listener failed', err);
      }
    }
  }
  #lastUnloadedRefresh = 0;
  #unloadedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: AppDeps) {
    this.api = deps.api;
    this.#transport = deps.transport;
    this.#host = deps.host;
    this.datastore = new DatastoreStore(deps.api);
    this.flows = new FlowsStore(deps.api);
    this.runs = new RunsStore(deps.api);
    this.run = new OpenRunStore(deps.api);
    this.task = new OpenTaskStore(deps.api);
    this.card = new CardStore(deps.api);
    this.dashboard = new DashboardStore(deps.api);
    this.router = new Router(deps.host);
    this.prefs = new Prefs(deps.storage);
  }

  get route(): Route {
    return this.router.route;
  }

  /** Starts the stream, routing and the clock; call the result to stop them all. */
  start(): Unsubscribe {
    const stops: Unsubscribe[] = [];
    stops.push(this.router.subscribe((route, prev) => this.#openRoute(route, prev)));
    stops.push(
      $effect.root(() => {
        $effect(() => this.#settle());
      }),
    );
    stops.push(this.#transport.subscribe((ev) => this.#onEvent(ev)));
    stops.push(this.api.onSeq?.((seq) => this.#onSeq(seq)) ?? (() => undefined));
    stops.push(this.clock.start());
    // At once, alongside the stream's start (see #streamSeq).
    this.#firstLoad();
    stops.push(() => this.#stopRouter?.());
    stops.push(() => clearTimeout(this.#unloadedTimer));
    return () => {
      for (const stop of stops.reverse()) stop();
    };
  }

  #stopRouter: Unsubscribe | null = null;

  /** The first load: the datastore and flows, then the route opens what it names. */
  #firstLoad(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    void this.datastore.load();
    void this.flows.load();
    const hash = this.#host.location.hash;
    this.#stopRouter = this.router.start();
    // The keys work from the first keypress: the flow list has the focus.
    this.focus.request('flows');
    if (hash === '' || hash === '#') void this.#land();
  }

  /** With no route, opens what the server says the user most likely came for. */
  async #land(): Promise<void> {
    try {
      const l = await this.api.landing();
      // The user went somewhere meanwhile: stay there. The address, not
      // the route: a hash change whose event has not run yet is not in
      // the route, and replacing it here would lose it.
      if (depth(this.route) !== null || depth(parseHash(this.#host.location.hash)) !== null) return;
      const route: Route = {};
      if (l.flow) route.flow = l.flow;
      if (l.flow && l.run) route.run = l.run;
      if (l.run && l.step) route.step = l.step;
      if (l.step && l.task) route.task = l.task;
      if (l.task && l.card) route.card = l.card;
      if (depth(route) !== null) this.router.navigate(route, { replace: true });
    } catch {
      // No landing (no datastore, or an old server): the root page stays.
    }
  }

  /** Goes down by itself where lib/place.ts says, and remembers the card opened per step. */
  #settle(): void {
    const route = this.route;
    const detail = this.task.detail;
    const taskLoaded =
      detail !== null && this.task.isOpen(route) && route.flow !== undefined ? { ...detail, cards: this.task.cards } : null;
    if (route.card !== undefined && taskLoaded && route.step !== undefined && route.flow !== undefined) {
      const c = taskLoaded.cards.find((x) => x.key === route.card);
      if (c) this.prefs.setLastCard(route.flow, route.step, pickOf(c));
    }
    const steps = this.run.isOpen(route.flow, route.run)
      ? this.run.steps.map((s) => ({ name: s.name, tasks: s.tasks }))
      : [];
    const autoCard = this.#autoCard !== null && this.#autoCard === taskPath(route);
    const flow = route.flow;
    const next = descend(route, { steps, task: taskLoaded }, {
      place: this.#place,
      autoCard,
      remembered: (step) => (flow === undefined ? undefined : this.prefs.lastCard(flow, step)),
    });
    if (next === null) return;
    queueMicrotask(() => {
      if (sameRoute(this.route, route)) this.router.navigate(next, { replace: true });
    });
  }

  /**
   * Opens another datastore (the welcome screen, the header menu, Ctrl+O):
   * the old route means nothing there, so the app lands as on start.
   * Resolves to false when the user cancelled the folder dialog: nothing
   * changed and the user keeps their place.
   */
  async openDatastore(req: OpenRequest): Promise<boolean> {
    if (!(await this.api.open(req))) return false;
    this.#place = null;
    this.router.navigate({}, { replace: true });
    await this.refreshAll();
    this.focus.request('flows');
    await this.#land();
    return true;
  }

  /** Refetches everything shown (after a (re)connect, a rescan, or opening a datastore). */
  async refreshAll(): Promise<void> {
    const r = this.route;
    this.#emitChange(makeChange('rescanned'));
    this.runs.markStale(r.flow);
    await Promise.all([
      this.datastore.load(),
      this.flows.load(),
      r.flow !== undefined ? this.runs.load(r.flow) : null,
      this.run.id !== null ? this.run.load() : null,
      this.task.id !== null ? this.task.refresh() : null,
      this.card.refresh(),
      this.dashboard.refresh(),
    ]);
  }

  #openRoute(route: Route, prev: Route): void {
    const { flow, run, step, task, card } = route;
    const place = this.#place;
    if (place !== null && (route.flow !== place.flow || route.run !== place.run || (card !== undefined && step === place.step))) {
      this.#place = null;
    }
    // A task opened from above (not by Esc from one of its cards or tabs) goes
    // on to a card, unless the route names one of its tabs.
    const path = taskPath(route);
    const fromBelow = (prev.card !== undefined || prev.tab !== undefined) && taskPath(prev) === path;
    if (depth(route) === 'task' && route.tab === undefined && !fromBelow) this.#autoCard = path;
    else if (depth(route) !== 'task') this.#autoCard = null;
    if (flow !== undefined) void this.runs.show(flow);
    if (flow !== undefined && run !== undefined) void this.run.open(flow, run);
    else this.run.close();
    if (flow !== undefined && run !== undefined && step !== undefined && task !== undefined) {
      void this.task.open({ flow, run, step, task });
    } else {
      this.task.close();
    }
    void this.card.select(card ?? null);
    this.dashboard.open(route.dashboard && flow !== undefined && run !== undefined && step !== undefined ? `${flow}/${run}/${step}` : null);
  }

  #onEvent(ev: StreamEvent): void {
    switch (ev.type) {
      case 'state':
        this.connection = ev.state;
        if (ev.state === 'connected') {
          // A reconnect may have missed anything: fetch again. The first
          // connection's status says whether the first load missed any.
          if (this.#connectedOnce) void this.refreshAll();
          else this.#connectedOnce = this.#awaitingSeq = true;
        }
        return;
      case 'status': {
        if (this.#awaitingSeq) {
          this.#awaitingSeq = false;
          const seq = (ev.status as { seq?: unknown }).seq;
          this.#streamSeq = typeof seq === 'number' ? seq : Infinity;
          if (this.#oldestSeq !== null && this.#oldestSeq < this.#streamSeq) this.#reloadForGap();
        }
        const wasWelcome = this.datastore.welcome;
        this.datastore.applyStatus(ev.status);
        // A datastore was opened (from the welcome screen or elsewhere).
        if (wasWelcome && !this.datastore.welcome) void this.refreshAll();
        else this.#refreshUnloaded();
        return;
      }
      case 'change':
        this.applyChange(ev.change);
    }
  }

  /** An answer's change count (api.onSeq): see #streamSeq. */
  #onSeq(seq: number): void {
    if (this.#streamSeq === null) this.#oldestSeq = Math.min(this.#oldestSeq ?? seq, seq);
    else if (seq < this.#streamSeq) this.#reloadForGap();
  }

  #reloadForGap(): void {
    if (this.#gapReloaded) return;
    this.#gapReloaded = true;
    void this.refreshAll();
  }

  /**
   * While indexing, reload the shown run list at most every 400 ms. A status
   * inside that window schedules one reload at its end, so the last status
   * of the indexing (there is no later one) is never dropped.
   */
  #refreshUnloaded(): void {
    const flow = this.route.flow;
    if (flow === undefined) return;
    const wait = this.#lastUnloadedRefresh + UNLOADED_REFRESH_MS - Date.now();
    if (wait > 0) {
      this.#unloadedTimer ??= setTimeout(() => {
        this.#unloadedTimer = undefined;
        this.#refreshUnloaded();
      }, wait);
      return;
    }
    this.#lastUnloadedRefresh = Date.now();
    void this.runs.refreshUnloaded(flow);
  }

  /** Hands one change to every store, then follows new runs and reports failures. */
  applyChange(c: Change): void {
    if (c.kind === 'rescanned') {
      void this.refreshAll();
      return;
    }
    void this.flows.applyChange(c);
    void this.runs.applyChange(c);
    void this.run.applyChange(c);
    void this.task.applyChange(c);
    void this.card.applyChange(c);
    this.#emitChange(c);
    this.dashboard.applyChange(c);
    if (c.kind === 'run_added' && c.flow != null && c.run != null) {
      // Follow never leaves a comparison the user is reading.
      if (this.prefs.isFollowing(c.flow) && this.route.flow === c.flow && this.route.compare === undefined) {
        this.#place = this.#placeIn(c.flow, c.run);
        this.router.navigate({ flow: c.flow, run: c.run });
      }
    }
    if (c.kind === 'run_changed' && c.status === 'failed' && c.old_status === 'running') {
      const { flow, run } = c;
      if (flow != null && run != null) {
        this.notices.push(
          {
            tone: 'error',
            text: `Run ${flow}/${run} failed`,
            action: { label: 'Open', run: () => this.router.navigate({ flow, run }) },
          },
          15000,
        );
      }
    }
  }

  /** The user's place (step, task index, card) carried over to run of flow. */
  #placeIn(flow: string, run: string): Place | null {
    const r = this.route;
    if (r.step === undefined) return null;
    const place: Place = { flow, run, step: r.step };
    const tasks = this.run.isOpen(r.flow, r.run) ? this.run.step(r.step)?.tasks : undefined;
    const i = r.task === undefined || !tasks ? -1 : tasks.findIndex((t) => t.id === r.task);
    if (i >= 0) place.taskIndex = i;
    if (r.card !== undefined && this.task.isOpen(r)) {
      const c = this.task.cards.find((x) => x.key === r.card);
      if (c) place.card = pickOf(c);
    }
    return place;
  }

  /** Turns "follow newest run" on or off for flow; turning it on opens the newest run. */
  setFollow(flow: string, on: boolean): void {
    this.prefs.setFollow(flow, on);
    if (!on) return;
    const newest = this.runs.forFlow(flow).items[0];
    if (newest && this.route.run !== newest.id) this.router.navigate({ flow, run: newest.id });
  }

  /** Goes one level up and focuses the list of the level left. */
  up(): void {
    const d = depth(this.route);
    if (d === null) return;
    this.router.up();
    this.focus.request(ZONE_OF[d]);
  }

  /** Opens route and moves keyboard focus to the list of the next level. */
  go(route: Route, focusNext?: Zone): void {
    this.router.navigate(route);
    if (focusNext) this.focus.request(focusNext);
  }
}

/** "flow/run/step/task" of a route's task, or null above the task level. */
function taskPath(r: Route): string | null {
  if (r.flow === undefined || r.run === undefined || r.step === undefined || r.task === undefined) return null;
  return [r.flow, r.run, r.step, r.task].join('/');
}


