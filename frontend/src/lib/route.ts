// Deep links: #/flows/<flow>/runs/<run>/steps/<step>/tasks/<task>/cards/<key>,
// or .../tasks/<task>/artifacts/<name>, or .../steps/<step>/dashboard (the
// foreach dashboard of a step), each part URL-encoded. A route names a prefix
// of that path.

export interface Route {
  flow?: string;
  run?: string;
  step?: string;
  task?: string;
  card?: string;
  /** An artifact of the task: the alternative to card at the last level. */
  artifact?: string;
  /** The step's foreach dashboard: the alternative to task below a step. */
  dashboard?: true;
}

export type Level = keyof Route;
type PathLevel = Exclude<Level, 'artifact' | 'dashboard'>;

/** The levels in order, with their URL words. */
export const LEVELS: readonly (readonly [PathLevel, string])[] = [
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
  if (route.task !== undefined && route.card === undefined && parts[8] === 'artifacts' && parts.length >= 10) {
    const name = decode(parts[9]);
    if (name !== null && name !== '') route.artifact = name;
  }
  if (route.step !== undefined && route.task === undefined && parts[6] === 'dashboard') route.dashboard = true;
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
  if (parts.length === 8 && route.artifact !== undefined && route.artifact !== '') {
    parts.push('artifacts', encodeURIComponent(route.artifact));
  }
  if (parts.length === 6 && route.dashboard) parts.push('dashboard');
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
  if (last === 'task' && route.artifact !== undefined) return 'artifact';
  if (last === 'step' && route.dashboard) return 'dashboard';
  return last;
}

/** The route one level up (Esc). The root stays the root. */
export function parentRoute(route: Route): Route {
  const r = normalize(route);
  const d = depth(r);
  if (d !== null) delete r[d];
  return r;
}

/** The route up to and including `level` of `route`, with `level` set to value. */
export function withLevel(route: Route, level: PathLevel, value: string): Route {
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
