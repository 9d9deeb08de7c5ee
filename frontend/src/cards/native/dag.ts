// Layout of a run's graph as layered step boxes, for the card's `dag`
// component and the run page. The graph comes normalised by the server
// (cards/dag.go is the only parser of Metaflow's graph formats): the dag
// component's "graph" field and the run detail's "dag" share one shape,
// {steps: [{name, type, next, doc, box_ends, switch_cases, condition}],
// start_step, end_step}. Steps are layered by their longest path from the
// start (back edges of a recursive switch are ignored for layering and
// drawn on the side), ordered within a layer by their parents' positions,
// and nested foreach bodies are marked so the view can draw them as stacks
// of tasks.

import { arr, obj, str } from './fields';

export interface DagStep {
  name: string;
  type: string;
  next: string[];
  doc: string;
  boxEnds: string | null;
  switchCases: Record<string, string>;
  condition: string | null;
}

export interface DagGraph {
  steps: Map<string, DagStep>;
  start: string | null;
  end: string | null;
}

export interface DagNode {
  step: DagStep;
  x: number;
  y: number;
  layer: number;
  /** How many foreach levels the step runs inside. */
  depth: number;
  /** What the box says about the step's kind, e.g. "split", "foreach". */
  badge: string | null;
}

export interface DagEdge {
  from: string;
  to: string;
  path: string;
  back: boolean;
  label: string | null;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  width: number;
  height: number;
}

export const BOX_W = 168;
export const BOX_H = 60;
const GAP_X = 28;
const GAP_Y = 46;
const PAD = 12;

/** Reads a server-normalised graph (a dag component's "graph", a run's "dag"); anything else gives an empty graph. */
export function readGraph(graph: unknown): DagGraph {
  const d = obj(graph);
  const steps = new Map<string, DagStep>();
  for (const raw of arr(d.steps)) {
    const s = obj(raw);
    const name = str(s.name);
    if (name === undefined || steps.has(name)) continue;
    const cases = obj(s.switch_cases);
    steps.set(name, {
      name,
      type: str(s.type) ?? '',
      next: arr(s.next).filter((n): n is string => typeof n === 'string'),
      doc: str(s.doc) ?? '',
      boxEnds: str(s.box_ends) || null,
      switchCases: Object.fromEntries(Object.entries(cases).filter((e): e is [string, string] => typeof e[1] === 'string')),
      condition: str(s.condition) ?? null,
    });
  }
  const named = (v: unknown) => {
    const s = str(v);
    return s !== undefined && steps.has(s) ? s : null;
  };
  return { steps, start: named(d.start_step) ?? steps.keys().next().value ?? null, end: named(d.end_step) };
}

function badgeOf(s: DagStep): string | null {
  return s.type === 'foreach' || s.type === 'join' || s.type === 'switch' || s.type === 'split' ? s.type : null;
}

export function layoutDag(g: DagGraph): DagLayout {
  const order: string[] = [];
  const seen = new Map<string, number>();
  const back = new Set<string>();
  const state = new Map<string, 1 | 2>();
  // Iterative DFS: post-order gives a topological order of the graph
  // without its back edges.
  const roots = [g.start, ...g.steps.keys()].filter((n): n is string => n !== null && g.steps.has(n));
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: Array<{ n: string; i: number }> = [{ n: root, i: 0 }];
    state.set(root, 1);
    seen.set(root, seen.size);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = g.steps.get(top.n)!.next;
      if (top.i < next.length) {
        const m = next[top.i++];
        if (!g.steps.has(m)) continue;
        if (state.get(m) === 1) back.add(`${top.n}\u0000${m}`);
        else if (!state.has(m)) {
          state.set(m, 1);
          seen.set(m, seen.size);
          stack.push({ n: m, i: 0 });
        }
      } else {
        state.set(top.n, 2);
        order.push(top.n);
        stack.pop();
      }
    }
  }
  order.reverse();
  const preds = new Map<string, string[]>(order.map((n) => [n, []]));
  for (const n of order) {
    for (const m of g.steps.get(n)!.next) {
      if (g.steps.has(m) && !back.has(`${n}\u0000${m}`)) preds.get(m)!.push(n);
    }
  }
  const foreachJoins = new Set([...g.steps.values()].filter((s) => s.type === 'foreach' && s.boxEnds).map((s) => s.boxEnds!));
  const layer = new Map<string, number>();
  const depth = new Map<string, number>();
  for (const n of order) {
    const ps = preds.get(n)!;
    layer.set(n, ps.length ? Math.max(...ps.map((p) => layer.get(p)! + 1)) : 0);
    const inner = ps.map((p) => depth.get(p)! + (g.steps.get(p)!.type === 'foreach' ? 1 : 0));
    depth.set(n, Math.max(0, (inner.length ? Math.max(...inner) : 0) - (foreachJoins.has(n) ? 1 : 0)));
  }
  // The end step closes the graph: put it on a layer of its own at the bottom.
  const maxLayer = Math.max(0, ...layer.values());
  if (g.end !== null && layer.has(g.end)) {
    const others = order.filter((n) => n !== g.end && layer.get(n) === layer.get(g.end!));
    if (others.length) layer.set(g.end, maxLayer + 1);
  }
  const layers: string[][] = [];
  for (const n of order) (layers[layer.get(n)!] ??= []).push(n);
  const pos = new Map<string, number>();
  for (const l of layers) {
    if (!l) continue;
    const rank = (n: string) => {
      const ps = preds.get(n)!.filter((p) => pos.has(p));
      return ps.length ? ps.reduce((a, p) => a + pos.get(p)!, 0) / ps.length : Infinity;
    };
    // Ties (siblings of one parent) keep the order of the parent's `next`.
    l.sort((a, b) => rank(a) - rank(b) || seen.get(a)! - seen.get(b)!);
    l.forEach((n, i) => pos.set(n, i - (l.length - 1) / 2));
  }
  const widest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X + 40;
  const cx = width / 2;
  const nodes: DagNode[] = [];
  const at = new Map<string, DagNode>();
  layers.forEach((l, li) => {
    (l ?? []).forEach((n) => {
      const node: DagNode = {
        step: g.steps.get(n)!,
        x: cx + pos.get(n)! * (BOX_W + GAP_X) - BOX_W / 2,
        y: PAD + li * (BOX_H + GAP_Y),
        layer: li,
        depth: depth.get(n) ?? 0,
        badge: badgeOf(g.steps.get(n)!),
      };
      nodes.push(node);
      at.set(n, node);
    });
  });
  const edges: DagEdge[] = [];
  for (const node of nodes) {
    const s = node.step;
    const labels = new Map<string, string>();
    for (const [k, v] of Object.entries(s.switchCases)) labels.set(v, labels.has(v) ? `${labels.get(v)}, ${k}` : k);
    for (const m of s.next) {
      const t = at.get(m);
      if (!t) continue;
      const isBack = back.has(`${s.name}\u0000${m}`);
      edges.push({ from: s.name, to: m, path: edgePath(node, t, isBack), back: isBack, label: labels.get(m) ?? null });
    }
  }
  const height = PAD * 2 + layers.length * BOX_H + Math.max(0, layers.length - 1) * GAP_Y + 8;
  return { nodes, edges, width, height };
}

function edgePath(a: DagNode, b: DagNode, back: boolean): string {
  if (back) {
    // Around the right side of both boxes, back up to the target.
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x + BOX_W;
    const y2 = b.y + BOX_H / 2;
    const out = Math.max(x1, x2) + 26;
    return `M${x1},${y1} C${out},${y1} ${out},${y2} ${x2},${y2}`;
  }
  const x1 = a.x + BOX_W / 2;
  const y1 = a.y + BOX_H;
  const x2 = b.x + BOX_W / 2;
  const y2 = b.y;
  const my = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`;
}
