// The card JSON of docs/format.md §10 as the API sends it (docs/api.md): a tree of
// plain objects told apart by `type`. Cards are untrusted input, so every
// field is read defensively (see fields.ts); these types only name what a
// well-formed card holds.

export interface Comp {
  type?: unknown;
  id?: unknown;
  [key: string]: unknown;
}

export interface CardTree {
  metadata?: unknown;
  components?: unknown;
  [key: string]: unknown;
}

/** The runtime data JSON (docs/format.md §11). */
export interface DataPayload {
  reload_token?: unknown;
  data?: unknown;
  created_on?: unknown;
}

/** Every component type of docs/format.md §10. */
export const KNOWN_TYPES = [
  'page',
  'section',
  'title',
  'subtitle',
  'text',
  'heading',
  'markdown',
  'table',
  'image',
  'artifacts',
  'dag',
  'log',
  'pythonCode',
  'progressBar',
  'valueBox',
  'vegaChart',
  'eventsTimeline',
  'jsonViewer',
  'yamlViewer',
] as const;

export type KnownType = (typeof KNOWN_TYPES)[number];

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isComp(v: unknown): v is Comp {
  return isObject(v) && typeof v.type === 'string';
}
