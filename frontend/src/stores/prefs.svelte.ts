// User preferences kept in localStorage: the theme override, which flows
// follow their newest run, and which view the card pane shows for cards that
// have both (the native view, the default, or the card's original HTML).

import type { CardPick } from '../lib/place';

export type ThemeMode = 'system' | 'light' | 'dark';
const THEMES: readonly ThemeMode[] = ['system', 'light', 'dark'];
export type CardView = 'native' | 'original';

const THEME_KEY = 'flowdeck.theme';
const FOLLOW_KEY = 'flowdeck.follow';
const CARD_VIEW_KEY = 'flowdeck.cardView';
const LAST_CARD_KEY = 'flowdeck.lastCard';
const SIDE_KEY = 'flowdeck.sideCollapsed';
/** Steps whose last card is remembered, at most (the oldest are dropped). */
const LAST_CARD_MAX = 200;

/** The part of Storage used here (null when storage is unavailable). */
export type PrefsStorage = Pick<Storage, 'getItem' | 'setItem'> | null;

function read(storage: PrefsStorage, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(storage: PrefsStorage, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Private mode or a full quota: the choice lasts for this session only.
  }
}

export class Prefs {
  theme = $state<ThemeMode>('system');
  follow = $state.raw<Record<string, true>>({});
  cardView = $state<CardView>('native');
  /** The side columns (flows and runs) folded away. */
  sideCollapsed = $state(false);
  /** The last card opened per "flow/step", by type and id (card keys hold the run). */
  #lastCard: Record<string, CardPick> = {};
  readonly #storage: PrefsStorage;

  constructor(storage: PrefsStorage) {
    this.#storage = storage;
    const t = read(storage, THEME_KEY);
    if (t && (THEMES as string[]).includes(t)) this.theme = t as ThemeMode;
    if (read(storage, CARD_VIEW_KEY) === 'original') this.cardView = 'original';
    this.sideCollapsed = read(storage, SIDE_KEY) === '1';
    try {
      const lc: unknown = JSON.parse(read(storage, LAST_CARD_KEY) ?? '{}');
      if (lc && typeof lc === 'object' && !Array.isArray(lc)) this.#lastCard = lc as Record<string, CardPick>;
    } catch {
      // ignore a corrupt value
    }
    try {
      const f: unknown = JSON.parse(read(storage, FOLLOW_KEY) ?? '[]');
      if (Array.isArray(f)) this.follow = Object.fromEntries(f.filter((x) => typeof x === 'string').map((x) => [x, true]));
    } catch {
      // ignore a corrupt value
    }
  }

  setTheme(mode: ThemeMode): void {
    this.theme = mode;
    write(this.#storage, THEME_KEY, mode);
  }

  /** system -> light -> dark -> system. */
  cycleTheme(): void {
    this.setTheme(THEMES[(THEMES.indexOf(this.theme) + 1) % THEMES.length]);
  }

  setCardView(v: CardView): void {
    this.cardView = v;
    write(this.#storage, CARD_VIEW_KEY, v);
  }

  setSideCollapsed(on: boolean): void {
    this.sideCollapsed = on;
    write(this.#storage, SIDE_KEY, on ? '1' : '0');
  }

  lastCard(flow: string, step: string): CardPick | undefined {
    const c = this.#lastCard[`${flow}/${step}`];
    return c && typeof c.type === 'string' ? { type: c.type, id: typeof c.id === 'string' ? c.id : null } : undefined;
  }

  setLastCard(flow: string, step: string, pick: CardPick): void {
    const k = `${flow}/${step}`;
    const cur = this.#lastCard[k];
    if (cur && cur.type === pick.type && cur.id === pick.id) return;
    const next = { ...this.#lastCard };
    delete next[k];
    next[k] = pick;
    const keys = Object.keys(next);
    for (const old of keys.slice(0, Math.max(0, keys.length - LAST_CARD_MAX))) delete next[old];
    this.#lastCard = next;
    write(this.#storage, LAST_CARD_KEY, JSON.stringify(next));
  }

  isFollowing(flow: string | undefined): boolean {
    return flow !== undefined && this.follow[flow] === true;
  }

  setFollow(flow: string, on: boolean): void {
    const next = { ...this.follow };
    if (on) next[flow] = true;
    else delete next[flow];
    this.follow = next;
    write(this.#storage, FOLLOW_KEY, JSON.stringify(Object.keys(next)));
  }
}
