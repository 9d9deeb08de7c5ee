// What the card pane says about a card: final, still live, or left over.

import type { CardDetail } from '../lib/schema';

export type CardState = 'final' | 'live' | 'failed-attempt' | 'stopped' | 'removed';

export const CARD_STATE_LABEL: Record<CardState, string> = {
  final: 'final',
  live: 'live',
  'failed-attempt': 'left over from a failed attempt',
  stopped: 'not final: its task stopped',
  removed: 'removed',
};

/**
 * The state of a card: removed when its file is gone; left over when an
 * attempt older than the task's latest wrote it and failed; final when its
 * HTML and data are final; live while its task runs; else stopped (the task
 * ended without a final render, e.g. it was killed).
 */
export function cardState(
  card: Pick<CardDetail, 'final' | 'live'> | null,
  opts: { leftOver: boolean; removed: boolean },
): CardState | null {
  if (opts.removed) return 'removed';
  if (!card) return null;
  if (opts.leftOver) return 'failed-attempt';
  if (card.final) return 'final';
  if (card.live) return 'live';
  return 'stopped';
}
