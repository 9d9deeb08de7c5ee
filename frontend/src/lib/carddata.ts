// Helpers over the API's card data (CardData, generated in schema.ts).
import type { CardData } from './schema';

/** A data JSON's created_on as a number (a string is read as one), or null when it has none. */
export function createdOn(d: CardData): number | null {
  const v = typeof d.created_on === 'string' ? Number(d.created_on) : d.created_on;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
