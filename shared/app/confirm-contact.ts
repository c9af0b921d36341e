import type { CaseStore, ContactStore, PersonStore } from './ports';
import { eraseSubmitterOf } from './personal-data';
import type { CaseRecord } from '../core/case-record';
import type { EffectDeps } from './effects';
import { NotFound } from '../core/errors';
import { CASE_ID_PATTERN, secretMatches } from '../core/ids';

export interface ConfirmDeps extends EffectDeps {
  contacts: ContactStore;
  startsWorkflow: boolean;
}

/**
 * What the confirmation link shows. `pending`: the button to confirm; `confirmed`: done already
 * (the link works again as a way back to the status); `closed`: the case expired unconfirmed.
 * Anyone without the link's secret gets the same 404 as for a case that does not exist.
 */
export async function viewConfirmation(deps: EffectDeps, caseId: string, token: string | undefined): Promise<{ state: 'pending' | 'confirmed' | 'closed'; record: CaseRecord }> {
  const record = CASE_ID_PATTERN.test(caseId) ? await deps.cases.get(caseId) : undefined;
  if (!record || record.channel !== 'form') throw new NotFound();
  if (!secretMatches(token, record.confirmTokenHash)) throw new NotFound();
  if (record.awaitingConfirmation) return { state: record.status === 'submitted' ? 'pending' : 'closed', record };
  return { state: record.confirmedAt ? 'confirmed' : 'closed', record };
}

/**
 * Confirms the contact's address: remembered for the partner (so the person confirms once), and
 * the case goes to review in the same write that records the confirmation. Safe to post twice.
 */
export async function confirmContact(deps: ConfirmDeps, caseId: string, token: string | undefined): Promise<{ state: 'confirmed' | 'closed'; record: CaseRecord }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const view = await viewConfirmation(deps, caseId, token);
    if (view.state !== 'pending') return { state: view.state === 'confirmed' ? 'confirmed' : 'closed', record: view.record };
    const { record } = view;
    const at = deps.now().toISOString();
    await deps.contacts.remember(record.data.partner, record.data.contact.email, at);
    if (await deps.cases.confirmContact({ id: caseId, expectedRevision: record.revision, at, startWorkflow: deps.startsWorkflow })) {
      deps.log.info('contact confirmed', { caseId, partner: record.data.partner });
      // The workflow starts from the commit: the stream runs the entry the case item now carries.
      return { state: 'confirmed', record: (await deps.cases.get(caseId)) ?? record };
    }
  }
  throw new Error(`case ${caseId} kept changing during its confirmation`);
}

/**
 * Closes the cases whose contact never confirmed the address within the window: each becomes
 * `expired` (an audit event says why) and its personal data is erased at once, since nobody
 * ever vouched for it. Repeatable: a case closed by an earlier run is skipped.
 */
export async function expireUnconfirmed(
  deps: { cases: CaseStore; people: PersonStore },
  windowSeconds: number,
  now: Date,
): Promise<{ expired: number }> {
  const cutoff = new Date(now.getTime() - windowSeconds * 1000).toISOString();
  let expired = 0;
  for (const id of await deps.cases.idsByStatus('submitted')) {
    const record = await deps.cases.get(id);
    if (!record?.awaitingConfirmation || record.createdAt > cutoff) continue;
    const moved = await deps.cases.transition({
      id,
      expectedRevision: record.revision,
      from: 'submitted',
      to: 'expired',
      actor: { type: 'system', name: 'confirmation' },
      at: now.toISOString(),
      note: 'unconfirmed',
    });
    if (!moved) continue;
    await eraseSubmitterOf(deps.people, id, now);
    expired += 1;
  }
  return { expired };
}
