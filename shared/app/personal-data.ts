import type { PersonStore, StoredItem } from './ports';

/** What an erasure or export touched, by kind of item: the answer a data subject is owed. */
export type Touched = Record<string, number>;

const countByType = (items: readonly StoredItem[]): Touched =>
  items.reduce<Touched>((counts, item) => ({ ...counts, [String(item.type)]: (counts[String(item.type)] ?? 0) + 1 }), {});

/**
 * Erases one person's data everywhere the table holds it: as the submitter of cases (contact in
 * the case and every version) and as a reviewer (requests, decisions, history). Repeatable: a
 * second run finds nothing left.
 */
export async function erasePerson(people: PersonStore, email: string, now: Date): Promise<{ touched: Touched; cases: string[] }> {
  const items = await people.itemsOf(email);
  for (const item of items) await people.erase(item, now.toISOString());
  const cases = [...new Set(items.filter((i) => i.type === 'case').map((i) => String(i.id)))];
  return { touched: countByType(items), cases };
}

/** Everything the table holds about one person, for a subject access request. */
export async function exportPerson(people: PersonStore, email: string): Promise<{ email: string; items: StoredItem[]; touched: Touched }> {
  const items = await people.itemsOf(email);
  // Keys and index attributes are storage detail; link secrets are never part of an export.
  const clean = items.map(({ gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, statusTokenHash: _f, statusLinks: _s, reviewIdHash: _g, editTokenHash: _h, payload: _i, ...rest }) => rest as StoredItem);
  return { email, items: clean, touched: countByType(items) };
}

export const DECIDED_STATUSES = ['approved', 'rejected', 'expired', 'failed'] as const;

/** Erases the submitter's contact data from a case and its versions; returns how many items held it. */
export async function eraseSubmitterOf(people: PersonStore, caseId: string, now: Date): Promise<number> {
  const held = (await people.caseItems(caseId)).filter((item) => (item.type === 'case' || item.type === 'version') && typeof item.gsi3pk === 'string');
  for (const item of held) await people.erase(item, now.toISOString());
  return held.length;
}

/**
 * Retention: erases the submitter's contact data from cases decided more than `retentionDays` ago.
 * A watermark remembers how far earlier runs went, so each run reads only the cases decided since.
 */
export async function purgeExpiredPersonalData(people: PersonStore, retentionDays: number, now: Date): Promise<{ cases: number; items: number; until: string }> {
  const until = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const from = (await people.watermark()) ?? '0000';
  let cases = 0;
  let items = 0;
  for (const status of DECIDED_STATUSES) {
    for (const id of await people.decidedBetween(status, from, until)) {
      const erased = await eraseSubmitterOf(people, id, now);
      cases += erased > 0 ? 1 : 0;
      items += erased;
    }
  }
  await people.setWatermark(until);
  return { cases, items, until };
}
