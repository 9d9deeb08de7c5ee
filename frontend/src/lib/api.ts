// A small typed client for every route of docs/api.md. It sends the
// per-launch secret as X-Flowdeck-Token and turns every failure into an
// ApiError carrying the server's `error` sentence.

import type {
  ArtifactValue,
  CardData,
  CardDetail,
  CompareResult,
  DatastoreStatus,
  Done,
  ErrorBody,
  Flow,
  Landing,
  LogData,
  LogStream,
  OpenRequest,
  Reloaded,
  RunDetail,
  RunSummary,
  Step,
  TaskDetail,
  Timeline,
  Welcome,
} from './schema';

export const TOKEN_HEADER = 'X-Flowdeck-Token';

/** Why a request failed: the server answered with an error status, the
 * request never got an answer, or the answer was not the JSON expected. */
export type ApiErrorKind = 'http' | 'network' | 'parse';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    readonly status: number,
    readonly url: string,
    /** The decoded error body, when the server sent JSON. */
    readonly body: Record<string, unknown> | null = null,
  ) {
    super(message);
  }

  get notFound(): boolean {
    return this.kind === 'http' && this.status === 404;
  }

  /** The server has no datastore open and offers the welcome screen. */
  get welcome(): boolean {
    return this.kind === 'http' && this.status === 409 && this.body?.welcome === true;
  }
}

/** Reads the secret the server wrote into index.html (the last non-empty one wins). */
export function readToken(doc: Pick<Document, 'querySelectorAll'> | undefined): string {
  const metas = doc ? [...doc.querySelectorAll('meta[name="flowdeck-token"]')] : [];
  for (const meta of metas.reverse()) {
    const value = meta.getAttribute('content') ?? '';
    if (value !== '') return value;
  }
  return '';
}

const TOKEN_KEY = 'flowdeck-token';

/**
 * The secret `flowdeck serve --allow-remote` prints in its URL's fragment
 * (`#token=<secret>`, optionally followed by `&` and a deep link such as
 * `&/flows/F`): a fragment is never sent to a server. It is kept in
 * sessionStorage (this tab only, so a reload works) and taken out of the
 * address bar, leaving the deep link.
 */
export function takeFragmentToken(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState'> | undefined,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
): string {
  const m = /^#token=([0-9A-Za-z_-]+)(?:&(.*))?$/.exec(loc.hash);
  if (m) {
    try {
      storage?.setItem(TOKEN_KEY, m[1]);
    } catch {
      // Storage refused (private mode): the token still works until a reload.
    }
    history?.replaceState(null, '', `${loc.pathname}${loc.search}#${m[2] ?? '/'}`);
    return m[1];
  }
  try {
    return storage?.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiOptions {
  token: string;
  fetch?: FetchLike;
  /** Prefix for every URL; '' means the page's own origin. */
  base?: string;
}

const seg = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${seg(k)}=${seg(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** How long a prefetched answer waits for its first request. */
const PREFETCH_TTL_MS = 5000;

/** The header every API answer carries: the server's change count when it was read. */
export const SEQ_HEADER = 'X-Flowdeck-Seq';

export function createApi(opts: ApiOptions) {
  const base = opts.base ?? '';
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const seqListeners = new Set<(seq: number) => void>();
  // GETs sent before the app is built (prefetch), taken by the first
  // request for the same path.
  const early = new Map<string, Promise<Response>>();

  async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const url = base + path;
    const headers = new Headers(init.headers);
    headers.set(TOKEN_HEADER, opts.token);
    headers.set('Accept', 'application/json');
    let res: Response;
    try {
      const pre = (init.method ?? 'GET') === 'GET' ? early.get(path) : undefined;
      early.delete(path);
      res = await (pre ?? doFetch(url, { ...init, headers }));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ApiError(`Cannot reach Flowdeck (${why})`, 'network', 0, url);
    }
    const seq = Number(res.headers?.get(SEQ_HEADER) ?? NaN);
    if (Number.isFinite(seq)) for (const l of seqListeners) l(seq);
    const text = await res.text().catch(() => '');
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.ok) throw new ApiError(`Unexpected answer from ${path}`, 'parse', res.status, url);
      }
    }
    if (!res.ok) {
      const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
      const sentence =
        typeof obj?.error === 'string' && obj.error !== ''
          ? obj.error
          : `${res.status} ${res.statusText || 'error'}`.trim();
      throw new ApiError(sentence, 'http', res.status, url, obj);
    }
    return body as T;
  }

  function post<T>(path: string, payload: unknown): Promise<T> {
    return request<T>(path, {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: { 'Content-Type': 'application/json' },
    });
  }

  const taskPath = (flow: string, run: string, step: string, task: string) =>
    `/api/tasks/${seg(flow)}/${seg(run)}/${seg(step)}/${seg(task)}`;

  return {
    /**
     * Sends these GETs now; the first request for each path takes its
     * answer. The cold open sends the first screen's requests before the
     * app is built, so the server answers while the page renders its frame.
     */
    prefetch(paths: string[]): void {
      for (const p of paths) {
        if (early.has(p)) continue;
        const headers = new Headers({ [TOKEN_HEADER]: opts.token, Accept: 'application/json' });
        const pending = doFetch(base + p, { headers });
        pending.catch(() => undefined); // an unused failure is not unhandled
        early.set(p, pending);
        // Not taken soon (the route changed): never serve it late.
        setTimeout(() => early.get(p) === pending && early.delete(p), PREFETCH_TTL_MS);
      }
    },
    /** Calls fn with the change count (SEQ_HEADER) of every answer; call the result to stop. */
    onSeq(fn: (seq: number) => void): () => void {
      seqListeners.add(fn);
      return () => seqListeners.delete(fn);
    },
    datastore: () => request<DatastoreStatus>('/api/datastore'),
    flows: () => request<Flow[]>('/api/flows'),
    landing: () => request<Landing>('/api/landing'),
    runs: (flow: string) => request<RunSummary[]>(`/api/flows/${seg(flow)}/runs`),
    /** A run with its steps; `limit` caps the tasks listed per step (0: steps only). */
    run: (flow: string, run: string, opts: { limit?: number } = {}) =>
      request<RunDetail>(`/api/runs/${seg(flow)}/${seg(run)}${query({ limit: opts.limit })}`),
    /** Every attempt of every task of a run, for the timeline. */
    timeline: (flow: string, run: string) => request<Timeline>(`/api/runs/${seg(flow)}/${seg(run)}/timeline`),
    /** Reads a run again from disk (finished runs are not watched below their folder). */
    reloadRun: (flow: string, run: string) => post<Reloaded>(`/api/runs/${seg(flow)}/${seg(run)}/reload`, {}),
    step: (flow: string, run: string, step: string, opts: { offset?: number; limit?: number } = {}) =>
      request<Step>(
        `/api/runs/${seg(flow)}/${seg(run)}/steps/${seg(step)}${query({ offset: opts.offset, limit: opts.limit })}`,
      ),
    task: (flow: string, run: string, step: string, task: string, opts: { attempt?: number } = {}) =>
      request<TaskDetail>(taskPath(flow, run, step, task) + query({ attempt: opts.attempt })),
    /** One artifact's decoded value (of the latest attempt unless `attempt` is given). */
    artifact: (flow: string, run: string, step: string, task: string, name: string, opts: { attempt?: number } = {}) =>
      request<ArtifactValue>(`${taskPath(flow, run, step, task)}/artifacts/${seg(name)}${query({ attempt: opts.attempt })}`),
    log: (flow: string, run: string, step: string, task: string, stream: LogStream, opts: { attempt?: number } = {}) =>
      request<LogData>(`${taskPath(flow, run, step, task)}/logs/${stream}${query({ attempt: opts.attempt })}`),
    card: (key: string) => request<CardDetail>(`/api/cards/${seg(key)}`),
    /** The latest runtime data JSON, or null when the card has none (404). */
    cardData: async (key: string): Promise<CardData | null> => {
      try {
        return await request<CardData>(`/api/cards/${seg(key)}/data`);
      } catch (err) {
        if (err instanceof ApiError && err.notFound) return null;
        throw err;
      }
    },
    /** Saves the card's HTML file where the user picks (window only: a native save dialog). */
    exportCard: (key: string) =>
      post<Done>(`/api/cards/${seg(key)}/export`, {}),
    /** Opens the folder that holds the card file (window only). */
    revealCard: (key: string) => post<Done>(`/api/cards/${seg(key)}/reveal`, {}),
    /** The URL of the card's own HTML, for a sandboxed iframe (no secret: see docs/api.md). */
    cardHtmlUrl: (key: string) => `${base}/card/${seg(key)}`,
    /** The event stream URL; EventSource cannot set headers, so the secret is a query parameter. */
    eventsUrl: () => `${base}/api/events${query({ token: opts.token })}`,
    /** Runs of a flow lined up; `steps` pick the steps whose scalar artifacts are rows (default: end). */
    compare: (flow: string, runs: string[], steps?: string[]) =>
      request<CompareResult>(`/api/flows/${seg(flow)}/compare${query({ runs: runs.join(','), steps: steps?.join(',') })}`),
    /** The URL that downloads the comparison as one offline HTML file; the secret rides along as for events. */
    compareExportUrl: (flow: string, runs: string[], format: 'html', steps?: string[]) =>
      `${base}/api/flows/${seg(flow)}/compare/${format}${query({ runs: runs.join(','), steps: steps?.join(','), token: opts.token })}`,
    /** Saves the comparison as one offline HTML file where the user picks (window only: a native save dialog). */
    exportCompare: (flow: string, runs: string[], format: 'html', steps?: string[]) =>
      post<Done>(
        `/api/flows/${seg(flow)}/compare/${format}${query({ runs: runs.join(','), steps: steps?.join(',') })}`,
        {},
      ),
    /** Saves csv, the table the page built (compare/csv.ts), where the user picks (window only). */
    saveCompareCsv: (flow: string, runs: string[], csv: string) =>
      request<Done>(`/api/flows/${seg(flow)}/compare/csv${query({ runs: runs.join(',') })}`, {
        method: 'POST',
        body: csv,
        headers: { 'Content-Type': 'text/csv; charset=utf-8' },
      }),
    welcome: () => request<Welcome>('/api/welcome'),
    /**
     * Opens a datastore; a refusal may come as an error status or as
     * `{"error"}` with 200. Resolves to false when the user cancelled the
     * folder dialog (nothing changed), true when a datastore was opened.
     */
    open: async (req: OpenRequest): Promise<boolean> => {
      const res = await post<Partial<Done & ErrorBody> | null>('/api/open', req);
      if (res && typeof res.error === 'string' && res.error !== '') {
        throw new ApiError(res.error, 'http', 200, base + '/api/open', res);
      }
      return res?.cancelled !== true;
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** Any failure as an ApiError, so panes can show one kind of error. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError(msg, 'network', 0, '');
}
