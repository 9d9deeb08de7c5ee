// The composition root of the UI: it builds every store from the API client
// and the transport it is given, opens what the route names, and hands each
// change from the stream to the stores. Nothing here is global: main.ts makes
// one AppState and gives it to the components through context.

import type { Api } from '../lib/api';
import { depth, type Level, type Route } from '../lib/route';
import type { Change } from '../lib/schema';
import type { ConnectionState, StreamEvent, Transport, Unsubscribe } from '../lib/transport';
import { CardStore } from './card.svelte';
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
  /** How long the first load waits for the stream to connect (ms). */
  connectGraceMs?: number;
}

/** The list that holds the items of each route level. */
const ZONE_OF: Record<Level, Zone> = { flow: 'flows', run: 'runs', step: 'steps', task: 'tasks', card: 'cards', artifact: 'tasks' };

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
  readonly router: Router;
  readonly notices = new Notices();
  readonly prefs: Prefs;
  readonly clock = new Clock();
  readonly focus = new FocusRequests();
  connection = $state<ConnectionState>('closed');
  readonly #transport: Transport;
  readonly #graceMs: number;
  #loaded = false;
  #lastUnloadedRefresh = 0;
  #unloadedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: AppDeps) {
    this.api = deps.api;
    this.#transport = deps.transport;
    this.#graceMs = deps.connectGraceMs ?? 400;
    this.datastore = new DatastoreStore(deps.api);
    this.flows = new FlowsStore(deps.api);
    this.runs = new RunsStore(deps.api);
    this.run = new OpenRunStore(deps.api);
    this.task = new OpenTaskStore(deps.api);
    this.card = new CardStore(deps.api);
    this.router = new Router(deps.host);
    this.prefs = new Prefs(deps.storage);
  }

  get route(): Route {
    return this.router.route;
  }

  /** Starts the stream, routing and the clock; call the result to stop them all. */
  start(): Unsubscribe {
    const stops: Unsubscribe[] = [];
    stops.push(this.router.subscribe((route) => this.#openRoute(route)));
    stops.push(this.#transport.subscribe((ev) => this.#onEvent(ev)));
    stops.push(this.clock.start());
    // Load as soon as the stream is up (so no change falls between the load
    // and the subscription), or after a short grace period if it is slow.
    const grace = setTimeout(() => this.#firstLoad(), this.#graceMs);
    stops.push(() => clearTimeout(grace));
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
    this.#stopRouter = this.router.start();
  }

  /** Refetches everything shown (after a (re)connect, a rescan, or opening a datastore). */
  async refreshAll(): Promise<void> {
    const r = this.route;
    this.runs.markStale(r.flow);
    await Promise.all([
      this.datastore.load(),
      this.flows.load(),
      r.flow !== undefined ? this.runs.load(r.flow) : null,
      this.run.id !== null ? this.run.load() : null,
      this.task.id !== null ? this.task.refresh() : null,
      this.card.refresh(),
    ]);
  }

  #openRoute(route: Route): void {
    const { flow, run, step, task, card } = route;
    if (flow !== undefined) void this.runs.show(flow);
    if (flow !== undefined && run !== undefined) void this.run.open(flow, run);
    else this.run.close();
    if (flow !== undefined && run !== undefined && step !== undefined && task !== undefined) {
      void this.task.open({ flow, run, step, task });
    } else {
      this.task.close();
    }
    void this.card.select(card ?? null);
  }

  #onEvent(ev: StreamEvent): void {
    switch (ev.type) {
      case 'state':
        this.connection = ev.state;
        if (ev.state === 'connected') {
          if (this.#loaded) void this.refreshAll();
          else this.#firstLoad();
        }
        return;
      case 'status': {
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
    if (c.kind === 'run_added' && c.flow !== undefined && c.run !== undefined) {
      if (this.prefs.isFollowing(c.flow) && this.route.flow === c.flow) {
        this.router.navigate({ flow: c.flow, run: c.run });
      }
    }
    if (c.kind === 'run_changed' && c.status === 'failed' && c.old_status === 'running') {
      const { flow, run } = c;
      if (flow !== undefined && run !== undefined) {
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
