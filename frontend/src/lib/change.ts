// A change as the server sends it (wire.Change: every field, null where it
// does not apply), for the changes the page makes itself ("rescanned" after
// a reconnect) and for tests.
import type { Change, ChangeKind } from './schema';

export function makeChange(kind: ChangeKind, fields: Partial<Omit<Change, 'kind'>> = {}): Change {
  return {
    kind,
    flow: null,
    run: null,
    step: null,
    task: null,
    card: null,
    status: null,
    old_status: null,
    attempt: 0,
    token: null,
    created_on: null,
    final: false,
    error: null,
    ...fields,
  };
}
