// Hash routing: the route is the location hash, so back/forward and reload
// work and links can be shared (in serve mode).

import { formatHash, parentRoute, parseHash, sameRoute, type Route } from '../lib/route';
import type { Unsubscribe } from '../lib/transport';

/** The part of window the router uses. */
export interface RouterHost {
  location: { hash: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', fn: () => void): void;
  removeEventListener(type: 'hashchange', fn: () => void): void;
}

export type RouteListener = (route: Route, previous: Route) => void;

export class Router {
  route = $state.raw<Route>({});
  readonly #host: RouterHost;
  readonly #listeners = new Set<RouteListener>();

  constructor(host: RouterHost) {
    this.#host = host;
  }

  /** Reads the current hash and follows its changes. */
  start(): Unsubscribe {
    const onHash = () => this.#sync();
    this.#host.addEventListener('hashchange', onHash);
    this.#sync();
    return () => this.#host.removeEventListener('hashchange', onHash);
  }

  subscribe(listener: RouteListener): Unsubscribe {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Goes to route: a new history entry, or the current one replaced. */
  navigate(route: Route, opts: { replace?: boolean } = {}): void {
    const hash = formatHash(route);
    if (hash === this.#host.location.hash || (hash === '#/' && this.#host.location.hash === '')) {
      this.#sync();
      return;
    }
    if (opts.replace) {
      this.#host.history.replaceState(null, '', hash);
      this.#sync();
    } else {
      // Fires hashchange, which syncs.
      this.#host.location.hash = hash;
    }
  }

  /** One level up (Esc). */
  up(): void {
    this.navigate(parentRoute(this.route));
  }

  #sync(): void {
    const next = parseHash(this.#host.location.hash);
    const prev = this.route;
    if (sameRoute(next, prev) && this.#started) return;
    this.#started = true;
    this.route = next;
    for (const l of [...this.#listeners]) l(next, prev);
  }

  #started = false;
}
