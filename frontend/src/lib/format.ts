// Formatting of times, durations and sizes for dense tables.

/** Milliseconds since the epoch for an RFC 3339 string, or null. */
export function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-11-25 21:37:59" in local time; '—' when unknown. */
export function formatAbsolute(value: string | number | null | undefined): string {
  const t = typeof value === 'number' ? value : parseTime(value);
  if (t === null) return '—';
  const d = new Date(t);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** "21:37:59.591" in local time, for log lines. */
export function formatClock(value: string | null | undefined): string {
  const t = parseTime(value);
  if (t === null) return '';
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "just now", "42s ago", "5m ago", "3h ago", "2d ago"; past a week the date
 * ("Nov 3", or "Nov 3, 2025" in another year). Times slightly in the future
 * (clock skew) read as "just now".
 */
export function formatRelative(value: string | number | null | undefined, now: number): string {
  const t = typeof value === 'number' ? value : parseTime(value);
  if (t === null) return '—';
  const s = Math.floor((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ago`;
  const days = Math.floor(h / 24);
  if (days < 7) return `${days}d ago`;
  const d = new Date(t);
  const date = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return d.getFullYear() === new Date(now).getFullYear() ? date : `${date}, ${d.getFullYear()}`;
}

/** "0.4s", "4.2s", "42s", "3m 07s", "2h 05m", "3d 4h"; '—' for null or negative. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * How long something ran: finished - started, or now - started while it is
 * still running; null when it never started (or it is not running and has
 * no end time).
 */
export function elapsed(
  startedAt: string | null | undefined,
  finishedAt: string | null | undefined,
  running: boolean,
  now: number,
): number | null {
  const start = parseTime(startedAt);
  if (start === null) return null;
  const end = parseTime(finishedAt);
  if (end !== null) return Math.max(0, end - start);
  return running ? Math.max(0, now - start) : null;
}

/** "512 B", "1.5 KB", "23 MB" (powers of 1024). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A compact rendering of a foreach value for a table cell. */
export function formatValue(value: unknown, max = 40): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "999", "1.2k", "12k", "1.2M": counts in tight places. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(Math.floor(n / 100) / 10).toFixed(1).replace(/\.0$/, '')}k`;
  if (n < 1_000_000) return `${Math.floor(n / 1000)}k`;
  return `${(Math.floor(n / 100_000) / 10).toFixed(1).replace(/\.0$/, '')}M`;
}

/**
 * "1,234": an integer with thousands separators. Not toLocaleString: its
 * first call loads the locale data, about 20 ms on the first screen
 * (measured in the cold-open profile), for a comma.
 */
export function grouped(n: number): string {
  return Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : n.toLocaleString('en-US');
}

/** "1 flow", "2 flows", "0 flows"; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}
