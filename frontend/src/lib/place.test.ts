import { describe, expect, it } from 'vitest';
import { descend, type Loaded, type Place } from './place';
import type { CardRef } from './schema';

const card = (key: string, type: string, id: string | null = null): CardRef =>
  ({ key, type, id, uuid: key, attempt: 0, attempt_inferred: false, token: 'x', data_token: null, final: false, origin: null }) as CardRef;

const steps = [
  { name: 'start', tasks: [{ id: '1' }] },
  { name: 'train', tasks: [{ id: '2' }, { id: '3' }] },
];
const cards = [card('kd', 'default'), card('kb', 'blank'), card('kc', 'mine', 'loss')];
const place: Place = { flow: 'F', run: '9', step: 'train', taskIndex: 1, card: { type: 'mine', id: 'loss' } };
const none = () => undefined;

describe('descend', () => {
  it('follows the place down, one level at a time', () => {
    const loaded: Loaded = { steps, task: { step: 'train', id: '3', cards, first_card: 'kb' } };
    const o = { place, autoCard: false, remembered: none };
    expect(descend({ flow: 'F', run: '9' }, loaded, o)).toEqual({ flow: 'F', run: '9', step: 'train' });
    expect(descend({ flow: 'F', run: '9', step: 'train' }, loaded, o)).toEqual({ flow: 'F', run: '9', step: 'train', task: '3' });
    expect(descend({ flow: 'F', run: '9', step: 'train', task: '3' }, loaded, o)).toEqual({
      flow: 'F', run: '9', step: 'train', task: '3', card: 'kc',
    });
  });

  it('waits at the nearest level that exists', () => {
    const o = { place, autoCard: false, remembered: none };
    expect(descend({ flow: 'F', run: '9' }, { steps: steps.slice(0, 1), task: null }, o)).toBeNull();
    const one = [steps[0], { name: 'train', tasks: [{ id: '2' }] }];
    expect(descend({ flow: 'F', run: '9', step: 'train' }, { steps: one, task: null }, o)).toBeNull();
    const empty: Loaded = { steps, task: { step: 'train', id: '3', cards: [], first_card: null } };
    expect(descend({ flow: 'F', run: '9', step: 'train', task: '3' }, empty, o)).toBeNull();
  });

  it('leaves another run, and a step the user chose, alone', () => {
    const o = { place, autoCard: false, remembered: none };
    expect(descend({ flow: 'F', run: '8' }, { steps, task: null }, o)).toBeNull();
    expect(descend({ flow: 'F', run: '9', step: 'start' }, { steps, task: null }, o)).toBeNull();
  });

  it('opens a task on the remembered card, else first_card', () => {
    const loaded: Loaded = { steps, task: { step: 'train', id: '2', cards, first_card: 'kb' } };
    const r = { flow: 'F', run: '7', step: 'train', task: '2' };
    expect(descend(r, loaded, { place: null, autoCard: true, remembered: none })?.card).toBe('kb');
    const mem = () => ({ type: 'default', id: null });
    expect(descend(r, loaded, { place: null, autoCard: true, remembered: mem })?.card).toBe('kd');
    expect(descend(r, loaded, { place: null, autoCard: false, remembered: mem })).toBeNull();
  });
});
