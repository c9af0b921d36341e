import { RESUBMIT_WINDOW_DAYS, RESUBMITTABLE, type CaseRecord } from '../core/case-record';
import { NotFound } from '../core/errors';
import { CASE_ID_PATTERN, caseIdFor, hashSecret, newSecret, referenceFromSeed, statusLinkMatches } from '../core/ids';
import { contactDomainAllowed } from '../core/partners';
import { validateCase } from '../core/validation';
import { commitPayload, effectsFor, statusUrl, type EffectDeps } from './effects';
import { REFERENCE_ATTEMPTS, STREAM_GRACE_MS } from './submit-case';

export type ResubmitDeps = Pick<EffectDeps, 'cases' | 'partners' | 'publicBaseUrl' | 'now' | 'log'>;


/**
 * What a resubmission link shows:
 * - `open`: the case can be sent again as it stands (a button: mail scanners do not post forms);
 * - `done`: it was sent again already, as `resent`;
 * - `not-closed`: the case is not closed without a decision (still open, approved or rejected);
 * - `unavailable`: it can no longer be sent as it is (its contact data was erased, the window has
 *   passed, or the partner or the form changed since): `reason` says which; the form remains.
 */
export type ResubmitView =
  | { state: 'open'; record: CaseRecord }
  | { state: 'done'; record: CaseRecord; resent: CaseRecord }
  | { state: 'not-closed'; record: CaseRecord }
  | { state: 'unavailable'; record: CaseRecord; reason: 'erased' | 'window' | 'partner' | 'data' };

/** The first reference the resubmission of a case tries, and after each collision: one per closed case. */
function referenceFor(record: CaseRecord, attempt: number): string {
  return referenceFromSeed(new Date(record.decidedAt ?? record.updatedAt), `resubmit:${record.id}`, attempt);
}

/** The case already made from this one, if any: its reference comes from this case alone. */
async function resentOf(deps: ResubmitDeps, record: CaseRecord): Promise<CaseRecord | undefined> {
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const found = await deps.cases.get(caseIdFor(referenceFor(record, attempt)));
    if (!found) return undefined;
    if (found.resubmittedFrom === record.id) return found;
  }
  return undefined;
}

/**
 * Opens a resubmission link without changing anything (GET, HEAD, mail scanners). The link is the
 * status link of the outcome mail: whoever holds it holds the mailbox the case was sent from.
 * Anyone else gets the same 404 as for a case that does not exist.
 */
export async function openResubmission(deps: ResubmitDeps, caseId: string, token: string | undefined): Promise<ResubmitView> {
  const record = CASE_ID_PATTERN.test(caseId) ? await deps.cases.get(caseId) : undefined;
  if (!record || !statusLinkMatches(token, record)) throw new NotFound();
  if (!RESUBMITTABLE.has(record.status)) return { state: 'not-closed', record };
  const resent = await resentOf(deps, record);
  if (resent) return { state: 'done', record, resent };
  if (record.personalDataErasedAt || record.awaitingConfirmation) return { state: 'unavailable', record, reason: 'erased' };
  const closedAt = Date.parse(record.decidedAt ?? record.updatedAt);
  if (deps.now().getTime() - closedAt > RESUBMIT_WINDOW_DAYS * 86_400_000) return { state: 'unavailable', record, reason: 'window' };
  const partner = deps.partners.get(record.data.partner);
  if (!partner || !contactDomainAllowed(partner, record.data.contact.email)) return { state: 'unavailable', record, reason: 'partner' };
  if (!validateCase(record.data, record.data.language).ok) return { state: 'unavailable', record, reason: 'data' };
  return { state: 'open', record };
}

/**
 * Sends a closed case again as it stands: a new case (its own reference and status link, the
 * receipt and the review follow from its commit, as for any submission) that names the one it
 * came from. Once only: the new case's reference is made from the closed case's id, so a second
 * post, or a race of two, finds the first one. The contact proved the address by holding the
 * link, so the case goes to the reviewers without a new confirmation.
 */
export async function resubmitCase(
  deps: ResubmitDeps,
  caseId: string,
  token: string | undefined,
): Promise<Exclude<ResubmitView, { state: 'open' }> | { state: 'created'; record: CaseRecord; resent: CaseRecord; statusUrl: string }> {
  const view = await openResubmission(deps, caseId, token);
  if (view.state !== 'open') return view;
  const { record } = view;
  const now = deps.now();
  const statusToken = newSecret();
  const effects = effectsFor({ startsWorkflow: true, statusToken });
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const reference = referenceFor(record, attempt);
    const created = await deps.cases.create({
      id: caseIdFor(reference),
      reference,
      data: record.data,
      channel: record.channel ?? 'api',
      statusTokenHash: hashSecret(statusToken),
      resubmittedFrom: record.id,
      at: now.toISOString(),
      commit: commitPayload('submitted', effects),
      commitDueAt: new Date(now.getTime() + STREAM_GRACE_MS).toISOString(),
    });
    if (created.created) {
      deps.log.info('case sent again', { caseId: created.record.id, reference, from: record.id, partner: record.data.partner });
      return { state: 'created', record, resent: created.record, statusUrl: statusUrl(deps.publicBaseUrl, created.record.id, statusToken) };
    }
    if (created.record?.resubmittedFrom === record.id) return { state: 'done', record, resent: created.record };
  }
  throw new Error('could not find a free reference');
}
