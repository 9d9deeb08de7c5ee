// User preferences kept in localStorage: the theme override, which flows
// follow their newest run, and which view the card pane shows for cards that
// have both (the native view, the default, or the card's original HTML).

export type ThemeMode = 'system' | 'light' | 'dark';
const THEMES: readonly ThemeMode[] = ['system', 'light', 'dark'];
export type CardView = 'native' | 'original';

const THEME_KEY = 'flowdeck.theme';
const FOLLOW_KEY = 'flowdeck.follow';
const CARD_VIEW_KEY = 'flowdeck.cardView';

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
  readonly #storage: PrefsStorage;

  constructor(storage: PrefsStorage) {
    this.#storage = storage;
    const t = read(storage, THEME_KEY);
    if (t && (THEMES as string[]).includes(t)) this.theme = t as ThemeMode;
    if (read(storage, CARD_VIEW_KEY) === 'original') this.cardView = 'original';
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
