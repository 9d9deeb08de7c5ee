// The original view's bridge protocol (cards/bridge.js is the frame's side).
// Everything a card frame posts is untrusted: only messages in exactly this
// shape, from one of our own frames, are acted on, and then only as a size,
// a token or a request the parent decides on itself.

import type { CardData } from '../../lib/schema';

export const FROM_CARD = 'flowdeck-card';
export const FROM_HOST = 'flowdeck-host';

/** The tallest the frame grows (px); taller content scrolls inside it. */
export const MAX_FRAME_HEIGHT = 30000;
/** The shortest frame (px), so an empty card is still visible. */
export const MIN_FRAME_HEIGHT = 40;

export type Outcome = 'applied' | 'static' | 'ignored' | 'error';

export type BridgeMessage =
  | { type: 'ready'; token: string | null; updatable: boolean; height: number }
  | { type: 'size'; height: number }
  | { type: 'settled'; seq: number; outcome: Outcome; token: string | null; dataToken: string | null; error?: string }
  | { type: 'reload'; seq: number; token: string | null; dataToken: string | null };

export interface HostMessage {
  source: typeof FROM_HOST;
  v: 1;
  type: 'data';
  seq: number;
  payload: CardData;
}

const MAX_TOKEN = 512;
const OUTCOMES = new Set<Outcome>(['applied', 'static', 'ignored', 'error']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tokenOf(v: unknown): string | null | undefined {
  if (v === null) return null;
  if (typeof v === 'string' && v.length <= MAX_TOKEN) return v;
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function seqOf(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** A height a frame reports, clamped to [MIN_FRAME_HEIGHT, MAX_FRAME_HEIGHT]. */
export function clampHeight(h: number): number {
  return Math.min(MAX_FRAME_HEIGHT, Math.max(MIN_FRAME_HEIGHT, Math.ceil(h)));
}

/** Parses what a frame posted; null unless it is a bridge message in exactly this format. */
export function parseBridgeMessage(data: unknown): BridgeMessage | null {
  if (!isObj(data) || data.source !== FROM_CARD || data.v !== 1 || typeof data.type !== 'string') return null;
  switch (data.type) {
    case 'ready': {
      const token = tokenOf(data.token);
      const height = num(data.height);
      if (token === undefined || height === undefined || typeof data.updatable !== 'boolean') return null;
      return { type: 'ready', token, updatable: data.updatable, height };
    }
    case 'size': {
      const height = num(data.height);
      return height === undefined ? null : { type: 'size', height };
    }
    case 'settled': {
      const seq = seqOf(data.seq);
      const token = tokenOf(data.token);
      const dataToken = tokenOf(data.dataToken);
      const outcome = data.outcome as Outcome;
      if (seq === undefined || token === undefined || dataToken === undefined || !OUTCOMES.has(outcome)) return null;
      const m: BridgeMessage = { type: 'settled', seq, outcome, token, dataToken };
      if (typeof data.error === 'string') m.error = data.error.slice(0, 200);
      return m;
    }
    case 'reload': {
      const seq = seqOf(data.seq);
      const token = tokenOf(data.token);
      const dataToken = tokenOf(data.dataToken);
      if (seq === undefined || token === undefined || dataToken === undefined) return null;
      return { type: 'reload', seq, token, dataToken };
    }
  }
  return null;
}

export function dataMessage(seq: number, payload: CardData): HostMessage {
  return { source: FROM_HOST, v: 1, type: 'data', seq, payload };
}
