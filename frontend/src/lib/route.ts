// Deep links: #/flows/<flow>/runs/<run>/steps/<step>/tasks/<task>/cards/<key>,
// or .../tasks/<task>/artifacts/<name>, or .../steps/<step>/dashboard (the
// foreach dashboard of a step), each part URL-encoded. A route names a prefix
// of that path. Below a task, the word after it names the task's
// tab: `cards/<key>` and `artifacts/<name>` name a card or an artifact (and
// so their tab); `cards`, `artifacts` and `logs[/<stream>]` name a tab.
// #/flows/<flow>/compare/<run>,<run>,… is the compare page of those runs
// (each id URL-encoded, so a comma in one is %2C).

export type TaskTab = 'cards' | 'artifacts' | 'logs';
export const TASK_TABS: readonly TaskTab[] = ['cards', 'artifacts', 'logs'];

export interface Route {
  flow?: string;
  run?: string;
  step?: string;
  task?: string;
  card?: string;
  /** An artifact of the task: the alternative to card at the last level. */
  artifact?: string;
  /** Runs of the flow compared side by side: the alternative to run. */
  compare?: string[];
  /** The step's foreach dashboard: the alternative to task below a step. */
  dashboard?: true;
  /** The task's tab when no card or artifact is named (they name theirs). */
  tab?: TaskTab;
  /** The log stream of the logs tab. */
  stream?: string;
}

export type Level = Exclude<keyof Route, 'tab' | 'stream'>;
/** The levels of the path proper, each one id. */
export type PathLevel = Exclude<Level, 'compare' | 'dashboard' | 'artifact'>;

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
  if (route.flow !== undefined && route.run === undefined && parts[2] === 'compare' && parts.length >= 4) {
    const ids = parts[3].split(',').map(decode);
    if (ids.length > 0 && ids.every((id) => id !== null && id !== '')) route.compare = ids as string[];
  }
  if (route.task !== undefined && route.card === undefined && route.artifact === undefined && (TASK_TABS as readonly string[]).includes(parts[8])) {
    route.tab = parts[8] as TaskTab;
    const stream = route.tab === 'logs' && parts[9] !== undefined ? decode(parts[9]) : null;
    if (stream !== null && stream !== '') route.stream = stream;
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
  } else if (parts.length === 8 && route.tab !== undefined) {
    parts.push(route.tab);
    if (route.tab === 'logs' && route.stream !== undefined && route.stream !== '') parts.push(encodeURIComponent(route.stream));
  }
  if (parts.length === 2 && route.compare !== undefined && route.compare.length > 0) {
    parts.push('compare', route.compare.map(encodeURIComponent).join(','));
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
  if (last === 'flow' && route.compare !== undefined) return 'compare';
  if (last === 'step' && route.dashboard) return 'dashboard';
  return last;
}

/** The route one level up (Esc). The root stays the root. */
export function parentRoute(route: Route): Route {
  const r = normalize(route);
  if (r.tab !== undefined) {
    // Like a card, a tab is one step below its task.
    delete r.tab;
    delete r.stream;
    return r;
  }
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
