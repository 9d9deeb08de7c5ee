// Which view the card pane shows for cards that have both: the native view
// (the default) or the card's original HTML. Remembered in localStorage.

export type CardView = 'native' | 'original';
const KEY = 'flowdeck.cardView';

export function readCardView(storage: Pick<Storage, 'getItem'> | null): CardView {
  try {
    return storage?.getItem(KEY) === 'original' ? 'original' : 'native';
  } catch {
    return 'native';
  }
}

export function writeCardView(storage: Pick<Storage, 'setItem'> | null, v: CardView): void {
  try {
    storage?.setItem(KEY, v);
  } catch {
    // Private mode or a full quota: the choice lasts for this session.
  }
}

export function localStorageOrNull(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
