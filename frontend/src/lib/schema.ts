// The JSON shapes of Flowdeck's HTTP API (docs/api.md). Times are RFC 3339
// strings or null. Every object that describes something read from disk may
// carry an `error` sentence: the item is shown with it, not dropped.

export type Status = 'running' | 'succeeded' | 'failed' | 'unknown';
export const STATUSES: readonly Status[] = ['running', 'succeeded', 'failed', 'unknown'];

export interface Counts {
  total: number;
  running: number;
  succeeded: number;
  failed: number;
  unknown: number;
}

export interface DatastoreStatus {
  root: string;
  card_root?: string;
  flows: number;
  runs: number;
  indexing: { done: number; total: number };
  watch: {
    mode: string;
    error: string | null;
    watches?: number;
    /** Requests of the last minute to a remote datastore (S3). */
    requests_per_min?: number;
    /** Reads were answered from the cache of finished runs in the last minute. */
    cached?: boolean;
    /** "none": user and tags are kept by the metadata service; else the joined metadata folder. */
    metadata?: string;
  };
  demo?: boolean;
  /** The datastore a demo returns to ("Leave the demo"). */
  home?: string | null;
  version?: string;
}

export interface Flow {
  name: string;
  runs: number;
  latest_run: string | null;
  error?: string | null;
}

export interface RunSummary {
  flow: string;
  id: string;
  status: Status;
  user: string | null;
  tags: string[];
  system_tags: string[];
  started_at: string | null;
  finished_at: string | null;
  loaded?: boolean;
  counts?: Counts;
  /** The run a resumed run came from, "flow/run"; null when not resumed. */
  origin_run?: string | null;
  /** The run's parameters, each value in one line (Python-like: 0.01, 'tuned', True). */
  parameters?: Record<string, string>;
  error?: string | null;
}

export interface CardRef {
  key: string;
  type: string;
  id: string | null;
  uuid: string;
  attempt: number;
  attempt_inferred?: boolean;
  token: string | null;
  final: boolean;
  error?: string | null;
  /** Metaflow's error card ("Card Render Failed With Error") stands in for this card. */
  error_card?: boolean;
}

export interface TaskSummary {
  id: string;
  status: Status;
  attempt: number;
  started_at: string | null;
  finished_at: string | null;
  foreach_index: number | null;
  foreach_value?: unknown;
  origin: string | null;
  cards: CardRef[];
  /** The key of the card the task opens on (datastore.FirstCard), null when none. */
  first_card?: string | null;
  error?: string | null;
}

/** Where the UI opens with no route (GET /api/landing): a route prefix. */
export interface Landing {
  flow: string | null;
  run: string | null;
  step: string | null;
  task: string | null;
  card: string | null;
}

export interface Step {
  name: string;
  type?: string;
  status: Status;
  counts: Counts;
  started_at: string | null;
  tasks_total: number;
  tasks_offset: number;
  tasks: TaskSummary[];
  error?: string | null;
}

/** A step's type in the run graph, the same for every Metaflow version ('' when unknown). */
export type StepType = 'start' | 'linear' | 'split' | 'foreach' | 'switch' | 'join' | 'end' | '';

/** A graph step's state: a status, or 'pending' when it has no task yet. */
export type GraphStatus = Status | 'pending';

export interface GraphStep {
  name: string;
  type: StepType;
  next: string[];
  doc?: string;
  box_next?: boolean;
  box_ends?: string;
  status: GraphStatus;
  counts: Counts;
}

/** The run's graph, normalised by the server: every step of the flow, started or not. */
export interface RunGraph {
  steps: GraphStep[];
  start_step: string;
  end_step: string;
  /** Where it came from: a default card's dag, the _graph_info artifact, or only the steps seen (no edges). */
  source: 'card' | 'graph_info' | 'steps';
}

/** A failed task with the last lines of its stderr. */
export interface Failure {
  step: string;
  task: string;
  attempt: number;
  lines: LogLine[];
  truncated: boolean;
  error?: string | null;
}

export interface RunDetail extends RunSummary {
  dag?: RunGraph | null;
  steps: Step[];
  failures?: Failure[];
  /** The card root of a run whose cards are in a subfolder's .metaflow/mf.cards (Metaflow before 2.18.13). */
  cards_found_in?: string | null;
}

/** Where Flowdeck looked for a run's cards below the datastore's parent folder. */
export interface CardSearch {
  base: string;
  roots: string[];
  dirs: number;
  capped: boolean;
}

/** One attempt of a task on the run's timeline. */
export interface TimelineAttempt {
  step: string;
  task: string;
  attempt: number;
  status: Status;
  started_at: string | null;
  finished_at: string | null;
}

export interface Timeline {
  /** The server's clock when it answered. */
  now: string;
  status: Status;
  started_at: string | null;
  finished_at: string | null;
  /** Tasks in the run (each has one or more attempts). */
  tasks: number;
  attempts: TimelineAttempt[];
}

export type LogStream = 'stdout' | 'stderr';

export interface Attempt {
  attempt: number;
  status: Status;
  started_at: string | null;
  finished_at: string | null;
  logs?: LogStream[];
}

export interface Artifact {
  name: string;
  type: string | null;
  size: number | null;
  encoding?: string | null;
  attempt?: number;
  /** One line for small simple values ("0.0684", "'item_003'"); absent for the rest. */
  preview?: string;
}

/** The value tree of a decoded pickle (docs/api.md, "Artifact values"). */
export interface ValueNode {
  kind: string;
  type?: string;
  value?: boolean | number | string;
  encoding?: string;
  repr?: string;
  len?: number;
  items?: ValueNode[];
  entries?: { key: ValueNode; value: ValueNode }[];
  fields?: { name: string; value: ValueNode }[];
  dtype?: string;
  shape?: number[];
  columns?: { name: string; dtype?: string; values: ValueNode[] }[];
  index?: ValueNode[];
  truncated?: boolean;
  error?: string;
}

export interface ArtifactValue {
  name: string;
  type: string;
  size: number;
  attempt: number;
  value: ValueNode;
  truncated: boolean;
  error: string | null;
}

export interface TaskDetail extends TaskSummary {
  flow: string;
  run: string;
  step: string;
  attempts: Attempt[];
  artifacts: Artifact[];
  logs: { stdout: boolean; stderr: boolean };
  cards_found_in?: string | null;
  /** Set when the run has no card anywhere: where Flowdeck looked. */
  card_search?: CardSearch | null;
}

export interface LogLine {
  ts: string | null;
  source?: string;
  text: string;
}

export interface LogData {
  attempt: number;
  stream: LogStream;
  truncated: boolean;
  lines: LogLine[];
}

export type CardKind = 'template' | 'json' | 'html' | 'text';

export interface CardDetail extends CardRef {
  task: string;
  kind: CardKind;
  card: { metadata?: unknown; components?: unknown[] } | null;
  text?: string | null;
  data_token?: string | null;
  live: boolean;
  /** The card file's own HTML shows the card (false: the demo's stand-in HTML, text cards). */
  original?: boolean;
  html_url?: string;
  updated_at: string | null;
  /** Status of the task the card file belongs to. */
  task_status?: Status | '';
  /** The task's latest attempt (a card of an older attempt is left over). */
  latest_attempt?: number;
  /** A final template render: the card accepts no more data. */
  update_disabled?: boolean;
  /** The file is caught mid-write; this is its last good content. */
  stale?: boolean;
  size?: number;
  origin?: string | null;
  attempt_inferred?: boolean;
  error_card?: boolean;
}

export interface CardData {
  reload_token: string;
  data: Record<string, unknown>;
  created_on?: number | string;
}

/** A data JSON's created_on as a number (a string is read as one), or null when it has none. */
export function createdOn(d: CardData): number | null {
  const v = typeof d.created_on === 'string' ? Number(d.created_on) : d.created_on;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface Welcome {
  recent: string[];
  can_open_dialog: boolean;
  can_open_path?: boolean;
  /** The window offers "Open S3 datastore…" (an s3:// URL in path). */
  can_open_s3?: boolean;
  demo?: boolean;
  home?: string | null;
}

export type OpenRequest = { path: string } | { dialog: true } | { demo: true } | { home: true };

export type ChangeKind =
  | 'flow_added'
  | 'flow_removed'
  | 'run_added'
  | 'run_changed'
  | 'run_removed'
  | 'step_added'
  | 'task_added'
  | 'task_changed'
  | 'task_removed'
  | 'card_added'
  | 'card_html_changed'
  | 'card_data_changed'
  | 'card_removed'
  | 'card_error'
  | 'rescanned';

/** One typed change from the event stream: what changed, never the data. */
export interface Change {
  kind: ChangeKind;
  flow?: string;
  run?: string;
  step?: string;
  task?: string;
  card?: string;
  status?: Status;
  old_status?: Status;
  attempt?: number;
  token?: string;
  created_on?: number;
  final?: boolean;
  error?: string;
}

/** GET /api/flows/{flow}/compare?runs=a,b: runs lined up (Go package compare). */
export interface CompareRun {
  id: string;
  status: Status;
  started_at: string | null;
  finished_at: string | null;
  live: boolean;
  error?: string;
}

export type CompareGroup = 'run' | 'parameter' | 'artifact' | 'valuebox';

export interface CompareRow {
  group: CompareGroup;
  name: string;
  /** Where the value comes from: a step, a card. */
  detail?: string;
  /** One value per run, null where the run has none. */
  values: (string | null)[];
  differs: boolean;
}

export interface CardMatch {
  step: string;
  type: string;
  id?: string;
  foreach_index: number;
  label: string;
  /** The card key in each run, '' where the run lacks the card. */
  keys: string[];
}

export interface CompareResult {
  flow: string;
  runs: CompareRun[];
  steps: string[];
  all_steps: string[];
  rows: CompareRow[];
  cards: CardMatch[];
}
