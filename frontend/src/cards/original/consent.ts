// Cards whose scripts the user allowed in this session (the window's
// "ask" policy only). Kept in memory: a restart asks again.

const allowed = new Set<string>();

export function consented(key: string): boolean {
  return allowed.has(key);
}

export function remember(key: string): void {
  allowed.add(key);
}
