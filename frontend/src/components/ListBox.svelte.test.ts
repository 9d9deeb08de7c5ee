import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ListHarness from '../testing/ListHarness.svelte';

interface Item {
  id: string;
  status: string;
}

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target?.remove();
});

function setup(n: number) {
  target = document.createElement('div');
  document.body.append(target);
  const items = Array.from({ length: n }, (_, i) => ({ id: String(n - i), status: 'succeeded' }));
  const opened: string[] = [];
  const props = $state({
    items,
    selected: null as string | null,
    onopen: (x: Item) => opened.push(x.id),
  });
  component = mount(ListHarness, { target, props });
  flushSync();
  const options = () => [...target.querySelectorAll<HTMLElement>('[role="option"]')];
  return { props, opened, options, box: target.querySelector<HTMLElement>('[role="listbox"]')! };
}

describe('ListBox', () => {
  it('renders only the rows in view of a long list, with ARIA and test ids', () => {
    const { options, box } = setup(5000);
    const rows = options();
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(box.getAttribute('aria-label')).toBe('Runs');
    expect(rows[0].dataset.testid).toBe('run-5000');
    expect(rows[0].getAttribute('aria-setsize')).toBe('5000');
    expect(rows[0].textContent).toBe('5000:succeeded');
  });

  it('updates one row in place and keeps the other rows’ DOM nodes on insert', () => {
    const { props, options } = setup(100);
    const before = options();
    const second = before[1];
    props.items = [{ id: '101', status: 'running' }, ...props.items];
    flushSync();
    let rows = options();
    expect(rows[0].dataset.testid).toBe('run-101');
    expect(rows[2]).toBe(second); // same element, not re-created
    const items = props.items.slice();
    items[2] = { ...items[2], status: 'failed' };
    props.items = items;
    flushSync();
    rows = options();
    expect(rows[2]).toBe(second);
    expect(rows[2].dataset.status).toBe('failed');
    expect(rows[2].textContent).toBe('99:failed');
  });

  it('moves with j/k and opens with Enter, starting from the selected item', () => {
    const { props, opened, box, options } = setup(10);
    props.selected = '7';
    flushSync();
    const key = (k: string) => box.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('j');
    key('j');
    key('k');
    flushSync();
    const active = options().find((o) => o.classList.contains('active'));
    expect(active?.dataset.testid).toBe('run-6');
    expect(box.getAttribute('aria-activedescendant')).toBe(active?.id);
    key('Enter');
    expect(opened).toEqual(['6']);
    expect(options().find((o) => o.getAttribute('aria-selected') === 'true')?.dataset.testid).toBe('run-7');
  });
});
