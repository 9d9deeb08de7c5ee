/// <reference types="node" />
// Test-only helpers: read the Metaflow fixtures (testdata/metaflow, or
// $FLOWDECK_FIXTURES as for the Go tests) the way the Go side decodes them (docs/format.md §9).

import fs from 'node:fs';
import path from 'node:path';
import type { CardTree } from './types';

const root =
  process.env.FLOWDECK_FIXTURES || path.resolve(__dirname, '..', '..', '..', '..', 'testdata', 'metaflow');

export function fixturePath(...parts: string[]): string {
  return path.join(root, ...parts);
}

export function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The token and the card JSON embedded in a template card's HTML. */
export function decodeCardHtml(html: string): { token: string; card: CardTree } {
  const token = /var METAFLOW_RELOAD_TOKEN = "([^"]*)"/.exec(html)?.[1] ?? '';
  const blob = /window\.__MF_DATA__\["[^"]*"\] = "([^"]*)"/.exec(html)?.[1];
  if (blob === undefined) throw new Error('no __MF_DATA__ in card');
  return { token, card: JSON.parse(Buffer.from(blob, 'base64').toString('utf8')) as CardTree };
}

export interface ReplayEvent {
  t: number;
  op: string;
  path: string;
  blobPath: string;
}

/** Every write of fixtures/live-replay, in order. */
export function replayEvents(): ReplayEvent[] {
  const dir = fixturePath('live-replay');
  return fs
    .readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const e = JSON.parse(l) as { t: number; op: string; path: string; blob: string };
      return { t: e.t, op: e.op, path: e.path, blobPath: path.join(dir, e.blob) };
    })
    .filter((e) => e.op === 'write');
}

/** One update of a case of cards/testdata/update_cases.json and what it must do. */
export interface UpdateStep {
  data: unknown;
  changed?: string[];
  fields?: Record<string, Record<string, unknown>>;
  absent?: Record<string, string[]>;
  keys?: Record<string, string[]>;
  count?: Record<string, number>;
  same?: boolean;
  card?: unknown;
  error?: boolean;
}

export interface UpdateCases {
  cards: Record<string, unknown>;
  cases: { name: string; card: string; steps: UpdateStep[] }[];
}

/** The card update cases, the oracle of update.ts (the file says what each field means). */
export function updateCases(): UpdateCases {
  return readJson(path.resolve(__dirname, '..', '..', '..', '..', 'cards', 'testdata', 'update_cases.json')) as UpdateCases;
}
