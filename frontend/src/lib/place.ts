// Where the UI goes down to by itself: a task opens on a card, and Follow
// keeps the user's place (step, task index, card) in a new run. The rule
// is one pure function, `descend`, so the store only has to call it
// whenever what it reads changes (a task or card appears in a live run).

import { depth, type Route } from './route';
import type { CardRef } from './schema';

/** A card as it is known across runs: its type and id (keys hold the run). */
export interface CardPick {
  type: string;
  id: string | null;
}

/** The place to reach in a run: a step, a task by its index in the step, a card. */
export interface Place {
  flow: string;
  run: string;
  step: string;
  taskIndex?: number;
  card?: CardPick;
}

/** What is loaded of the route's run and task. */
export interface Loaded {
  /** The open run's steps with their loaded tasks (ids in the step's order). */
  steps: readonly { name: string; tasks: readonly { id: string }[] }[];
  /** The open task, when it is the route's task. */
  task: { step: string; id: string; cards: readonly CardRef[]; first_card?: string | null } | null;
}

export function pickOf(c: CardRef): CardPick {
  return { type: c.type, id: c.id ?? null };
}

export function findPick(cards: readonly CardRef[], pick: CardPick | undefined): CardRef | undefined {
  if (!pick) return undefined;
  // The latest attempt's card first (cards come latest attempt first).
  return cards.find((c) => c.type === pick.type && (c.id ?? null) === pick.id);
}

/**
 * The route one level down from route, or null to stay.
 * - place (Follow): run -> its step, step -> its task index, task -> its card;
 * - autoCard: a task just opened goes to a card: the place's card, else the
 *   one remembered for the step, else the server's first_card.
 * A level that does not exist yet is waited for: call again when it loads.
 */
export function descend(
  route: Route,
  loaded: Loaded,
  opts: { place: Place | null; autoCard: boolean; remembered: (step: string) => CardPick | undefined },
): Route | null {
  const { place } = opts;
  const d = depth(route);
  const here = place !== null && route.flow === place.flow && route.run === place.run;
  if (d === 'run' && here) {
    return loaded.steps.some((s) => s.name === place.step) ? { ...route, step: place.step } : null;
  }
  if (d === 'step' && here && route.step === place.step && place.taskIndex !== undefined) {
    const t = loaded.steps.find((s) => s.name === place.step)?.tasks[place.taskIndex];
    return t ? { ...route, task: t.id } : null;
  }
  // A route that names a tab of the task stays on it.
  if (d === 'task' && route.tab === undefined && (opts.autoCard || (here && route.step === place.step))) {
    const t = loaded.task;
    if (!t || t.step !== route.step || t.id !== route.task || t.cards.length === 0) return null;
    const card =
      (here && route.step === place.step ? findPick(t.cards, place.card) : undefined) ??
      findPick(t.cards, opts.remembered(t.step)) ??
      t.cards.find((c) => c.key === t.first_card) ??
      t.cards[0];
    return { ...route, card: card.key };
  }
  return null;
}
