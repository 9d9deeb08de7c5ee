// Deep links: #/flows/<flow>/runs/<run>/steps/<step>/tasks/<task>/cards/<key>,
// each part URL-encoded. A route names a prefix of that path. Below a task,
// the word after it names the task's tab: `cards/<key>` (a card, the levels
// below), or `cards`, `artifacts[/<name>]`, `logs[/<stream>]`, where the
// tab's item (an artifact, a log stream) is optional.

export type TaskTab = 'cards' | 'artifacts' | 'logs';
export const TASK_TABS: readonly TaskTab[] = ['cards', 'artifacts', 'logs'];

export interface Route {
  flow?: string;
  run?: string;
  step?: string;
  task?: string;
  card?: string;
  /** The task's tab when no card is named (a card means the cards tab). */
  tab?: TaskTab;
  /** What the tab shows: an artifact name, or a log stream. */
  item?: string;
}

export type Level = 'flow' | 'run' | 'step' | 'task' | 'card';

/** The levels in order, with their URL words. */
export const LEVELS: readonly (readonly [Level, string])[] = [
  ['flow', 'flows'],
  ['run', 'runs'],
  ['step', 'steps'],
  ['task', 'tasks'],
  ['card', 'cards'],
];

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** Parses a location hash; anything past the first malformed part is dropped. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = path === '' ? [] : path.split('/');
  const route: Route = {};
  for (let i = 0; i < LEVELS.length; i++) {
    const [level, word] = LEVELS[i];
    if (parts[2 * i] !== word || parts.length < 2 * i + 2) break;
    const value = decode(parts[2 * i + 1]);
    if (value === null || value === '') break;
    route[level] = value;
  }
  // A tab word after the task, unless a card was named.
  const at = 2 * (LEVELS.length - 1);
  if (route.task !== undefined && route.card === undefined && (TASK_TABS as readonly string[]).includes(parts[at])) {
    route.tab = parts[at] as TaskTab;
    const item = parts[at + 1] !== undefined ? decode(parts[at + 1]) : null;
    if (item !== null && item !== '' && route.tab !== 'cards') route.item = item;
  }
  return route;
}

/** Formats a route as a hash; it stops at the first missing level. */
export function formatHash(route: Route): string {
  let out = '#/';
  const parts: string[] = [];
  for (const [level, word] of LEVELS) {
    const value = route[level];
    if (value === undefined || value === '') break;
    parts.push(word, encodeURIComponent(value));
  }
  if (parts.length === 8 && route.tab !== undefined && route.card === undefined) {
    parts.push(route.tab);
    if (route.item !== undefined && route.item !== '' && route.tab !== 'cards') parts.push(encodeURIComponent(route.item));
  }
  out += parts.join('/');
  return out;
}

/** Keeps only the levels that form an unbroken prefix. */
export function normalize(route: Route): Route {
  return parseHash(formatHash(route));
}

/** The deepest level the route names, or null for the root. */
export function depth(route: Route): Level | null {
  let last: Level | null = null;
  for (const [level] of LEVELS) {
    if (route[level] === undefined) break;
    last = level;
  }
  return last;
}

/** The route one level up (Esc). The root stays the root. */
export function parentRoute(route: Route): Route {
  const r = normalize(route);
  if (r.tab !== undefined) {
    // Like a card, a tab is one step below its task.
    delete r.tab;
    delete r.item;
    return r;
  }
  const d = depth(r);
  if (d !== null) delete r[d];
  return r;
}

/** The route up to and including `level` of `route`, with `level` set to value. */
export function withLevel(route: Route, level: Level, value: string): Route {
  const out: Route = {};
  for (const [l] of LEVELS) {
    if (l === level) {
      out[l] = value;
      return out;
    }
    if (route[l] === undefined) return out;
    out[l] = route[l];
  }
  return out;
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatHash(a) === formatHash(b);
}
