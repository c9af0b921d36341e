import type { Notifier } from './ports';
import type { Language } from '../core/case';
import type { Actor, CaseRecord, CaseStatus, OutboxEntry } from '../core/case-record';
import { commitPayload, runNow, type EffectDeps } from './effects';
import { NotFound } from '../core/errors';
import { CASE_ID_PATTERN, hashSecret, newSecret, secretMatches } from '../core/ids';
import { DECISIONS, type AmendmentRecord, type Decision, type DecisionRecord, type ReviewRequest } from '../core/review';
import { validateCase, type FieldError } from '../core/validation';
import { caseChanges, type FieldChange } from '../core/case-changes';
import { contactDomainAllowed } from '../core/partners';
import { isPractice } from '../core/matching';
import { routeReview, type RequestReason, type Reviewer } from '../core/reviewers';

/** What the review tasks need besides the stores: who reviews and for how long. */
export interface ReviewDeps extends EffectDeps {
  reviewers: readonly Reviewer[];
  /** The Hub's coordinators: the fallback when no reviewer is left for a case, and the escalation. */
  coordinators: readonly Reviewer[];
  reviewWindowSeconds: number;
  /** How long the coordinators have once a review escalates to them. */
  escalationWindowSeconds: number;
  amendWindowSeconds: number;
}

/** The review tasks that mail reviewers or the submitter. */
export interface MailingReviewDeps extends ReviewDeps {
  notifier: Notifier;
}

/** The payload the state machine sends its tasks: ids and counters only. */
export interface TaskPayload {
  caseId: string;
  round: number;
  attempt?: number;
  /** Set by the Escalate state: the request goes to the coordinators. */
  escalation?: boolean;
  taskToken?: string;
  outcome?: string;
  error?: string;
}

/** A task runs its effects at once; the outbox sweep takes over what is still pending after this long. */
const INLINE_GRACE_MS = 60_000;
const DECIDED: ReadonlySet<CaseStatus> = new Set(['approved', 'rejected', 'expired']);
const SYSTEM: Actor = { type: 'system', name: 'case-review' };

const plus = (date: Date, ms: number) => new Date(date.getTime() + ms).toISOString();

async function mustGet(deps: EffectDeps, caseId: string): Promise<CaseRecord> {
  const record = await deps.cases.get(caseId);
  if (!record) throw new Error(`case ${caseId} does not exist`);
  return record;
}

/**
 * Moves a case to `to` if it is in one of `from`, re-reading on concurrent changes. Returns the
 * case as it ends up; `already` when it was in `to` before (a retried task).
 */
async function moveCase(
  deps: EffectDeps,
  caseId: string,
  from: readonly CaseStatus[],
  to: CaseStatus,
  actor: Actor,
  extra: { note?: string; round?: number; attempt?: number } = {},
): Promise<CaseRecord> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await mustGet(deps, caseId);
    if (record.status === to) return record;
    if (!from.includes(record.status)) throw new Error(`case ${caseId} is ${record.status}, cannot become ${to}`);
    const moved = await deps.cases.transition({
      id: caseId,
      expectedRevision: record.revision,
      from: record.status,
      to,
      actor,
      at: deps.now().toISOString(),
      ...extra,
    });
    if (moved) return mustGet(deps, caseId);
  }
  throw new Error(`case ${caseId} kept changing; giving up for a retry`);
}

/**
 * The RequestReview and Escalate tasks: put the case in review for this round, keep the task
 * token, and give everyone routed to the case their own link by email (see `routeReview`: the
 * reviewers of its clinical areas, or the coordinators; never anyone of the submitting partner's
 * organisation). Safe to run again for the same round and attempt.
 */
export async function requestReview(deps: MailingReviewDeps, task: TaskPayload): Promise<void> {
  if (!task.taskToken) throw new Error('RequestReview needs a task token');
  const attempt = task.attempt ?? 0;
  let record = await moveCase(deps, task.caseId, ['submitted', 'changes_requested', 'in_review'], 'in_review', SYSTEM, { round: task.round, attempt });
  if (record.reviewRound !== task.round || record.reviewAttempt !== attempt) {
    if (!(await deps.cases.setRound(record.id, record.revision, task.round, attempt, deps.now().toISOString()))) {
      throw new Error(`case ${record.id} changed while opening round ${task.round}; retry`);
    }
    record = await mustGet(deps, task.caseId);
  }
  const now = deps.now();
  // The token first: a reviewer who answers within seconds of the mail must find it.
  await deps.reviews.saveTaskToken(record.id, 'review', task.round, task.taskToken, now.toISOString());
  const reason: RequestReason = task.escalation ? 'escalation' : attempt > 0 ? 'reminder' : 'review';
  const asked = routeReview(deps, record.data, reason);
  if (asked.length === 0) {
    // The configuration refuses a directory that leaves a partner with nobody; should one get through, ops see this line.
    deps.log.error('nobody to ask for review', { caseId: record.id, round: task.round, attempt, reason });
  }
  const window = reason === 'escalation' ? deps.escalationWindowSeconds : deps.reviewWindowSeconds;
  const expiresAt = plus(now, window * 1000);
  const mailDueAt = plus(now, INLINE_GRACE_MS);
  const entries: OutboxEntry[] = [];
  for (const [index, person] of asked.entries()) {
    const reviewId = newSecret();
    const payload = { reviewId, reviewer: person.email, attempt, expiresAt, reason };
    const created = await deps.reviews.createRequest({
      caseId: record.id,
      round: task.round,
      attempt,
      index,
      reviewer: person.email,
      role: person.role,
      ...(person.organisation ? { organisation: person.organisation } : {}),
      reason,
      reviewId,
      expiresAt,
      createdAt: now.toISOString(),
      mailDueAt,
      revision: record.revision,
    });
    if (created) {
      entries.push({ key: deps.outbox.entryKey({ on: 'review-request', caseId: record.id, round: task.round, attempt, index }), caseId: record.id, effect: 'review-mail', attempts: 0, dueAt: mailDueAt, payload });
    }
  }
  await runNow(entries, record, deps);
}

/** The actor of a decision's transition: the reviewer, and their role when a coordinator decided. */
const decider = (decision: DecisionRecord): Actor => ({ type: 'reviewer', email: decision.reviewer, ...(decision.role === 'coordinator' ? { role: 'coordinator' as const } : {}) });

/** The RequestChanges task: sends the case back to its submitter with an edit link, once per round. */
export async function requestChanges(deps: MailingReviewDeps, task: TaskPayload): Promise<void> {
  if (!task.taskToken) throw new Error('RequestChanges needs a task token');
  const decision = await deps.reviews.decision(task.caseId, task.round);
  if (decision?.decision !== 'changes') throw new Error(`round ${task.round} of ${task.caseId} has no changes decision`);
  const record = await moveCase(deps, task.caseId, ['in_review'], 'changes_requested', decider(decision), { note: decision.comment });
  const now = deps.now();
  await deps.reviews.saveTaskToken(record.id, 'amend', task.round, task.taskToken, now.toISOString());
  const editToken = newSecret();
  const expiresAt = plus(now, deps.amendWindowSeconds * 1000);
  const mailDueAt = plus(now, INLINE_GRACE_MS);
  const created = await deps.reviews.createAmendment({
    caseId: record.id,
    round: task.round,
    editToken,
    editTokenHash: hashSecret(editToken),
    expiresAt,
    baseVersion: record.dataVersion,
    mailDueAt,
  });
  if (created) {
    await runNow(
      [{ key: deps.outbox.entryKey({ on: 'amendment', caseId: record.id, round: task.round }), caseId: record.id, effect: 'changes-mail', attempts: 0, dueAt: mailDueAt, payload: { editToken, round: task.round, expiresAt } }],
      record,
      deps,
    );
  }
}

/** The RecordApproval, RecordRejection, Expire and MarkFailed tasks. */
export async function recordOutcome(deps: ReviewDeps, task: TaskPayload): Promise<void> {
  switch (task.outcome) {
    case 'approved':
    case 'rejected': {
      const decision = await deps.reviews.decision(task.caseId, task.round);
      const expected = task.outcome === 'approved' ? 'approve' : 'reject';
      if (decision?.decision !== expected) throw new Error(`round ${task.round} of ${task.caseId} has no ${expected} decision`);
      await moveCase(deps, task.caseId, ['in_review'], task.outcome, decider(decision), { note: decision.comment });
      return;
    }
    case 'expired':
      await moveCase(deps, task.caseId, ['submitted', 'in_review', 'changes_requested'], 'expired', SYSTEM);
      return;
    case 'failed': {
      const record = await mustGet(deps, task.caseId);
      // A decided case stays decided: a failure after the decision was recorded must not undo it.
      if (DECIDED.has(record.status) || record.status === 'failed') return;
      await moveCase(deps, task.caseId, ['submitted', 'in_review', 'changes_requested'], 'failed', SYSTEM, { note: task.error ?? 'workflow error' });
      return;
    }
    default:
      throw new Error(`unknown outcome ${String(task.outcome)}`);
  }
}

/** The Notify* tasks: the submitter hears the outcome once, whatever retries happen. */
export async function notifySubmitter(deps: MailingReviewDeps, task: TaskPayload): Promise<void> {
  const record = await mustGet(deps, task.caseId);
  // A failure after the case was decided leaves the decision (see recordOutcome): its own mail tells it.
  if (task.outcome === 'failed' && record.status !== 'failed') return;
  const now = deps.now();
  const entry = {
    key: deps.outbox.entryKey({ on: 'effect', caseId: record.id, effect: 'outcome-mail', suffix: `#${task.round}` }),
    caseId: record.id,
    effect: 'outcome-mail' as const,
    dueAt: plus(now, INLINE_GRACE_MS),
    payload: { outcome: String(task.outcome), round: task.round },
  };
  if (await deps.outbox.enqueue(entry)) await runNow([{ ...entry, attempts: 0 }], record, deps);
  if (task.outcome === 'approved' && record.status === 'approved' && isPractice(record.data.kind)) await queueNeedMatching(deps, record);
}

/**
 * An approved practice is matched with the approved needs, from the stream: the entry is written
 * once (a conditional write; a retried task finds it) and fresh, so `react-to-commit`, which may
 * read the byStatus index, runs it; this task does not.
 */
async function queueNeedMatching(deps: EffectDeps, record: CaseRecord): Promise<void> {
  await deps.outbox.enqueue({
    key: deps.outbox.entryKey({ on: 'effect', caseId: record.id, effect: 'match-needs' }),
    caseId: record.id,
    effect: 'match-needs',
    dueAt: deps.now().toISOString(),
  });
}

/**
 * What a later round shows beside the case: how the version under review differs from the one
 * before it, field by field, or that the version before is not stored (a case stored before
 * versions were kept, say).
 */
export type ReviewChanges = { since: number; fields: FieldChange[] } | { since: number; unavailable: true };

/** What a review link shows. */
export type ReviewView =
  | { state: 'open'; request: ReviewRequest; record: CaseRecord; history: DecisionRecord[]; changes?: ReviewChanges }
  | { state: 'decided'; request: ReviewRequest; record: CaseRecord; decision: DecisionRecord }
  | { state: 'expired'; request: ReviewRequest; record: CaseRecord };

/**
 * The fields a reviewer compares: all but the consent (always given), the language of the mails and
 * the contact's address, which the review page does not show.
 */
export const UNCOMPARED_FIELDS = ['consent', 'language', 'contact.email'] as const;

/** The changes since the version before the one under review: one read of that version's item, by its key. */
async function changesUnderReview(deps: EffectDeps, record: CaseRecord): Promise<ReviewChanges | undefined> {
  if (record.dataVersion < 2) return undefined;
  const since = record.dataVersion - 1;
  const previous = await deps.cases.version(record.id, since);
  if (!previous) return { since, unavailable: true };
  return { since, fields: caseChanges(previous.data, record.data, { ignore: UNCOMPARED_FIELDS }) };
}

/** The link's state from the request, the case and the round's decision, before anything the page alone needs. */
async function reviewState(
  deps: EffectDeps,
  reviewId: string,
): Promise<Exclude<ReviewView, { state: 'open' }> | { state: 'current'; request: ReviewRequest; record: CaseRecord }> {
  const request = await deps.reviews.findRequest(reviewId);
  const record = request && (await deps.cases.get(request.caseId));
  if (!request || !record) throw new NotFound();
  const decision = await deps.reviews.decision(record.id, request.round);
  if (decision) return { state: 'decided', request, record, decision };
  // A reminder sends new links: the previous attempt's links are over, even a moment before their expiry.
  const current = record.status === 'in_review' && record.reviewRound === request.round && (record.reviewAttempt ?? 0) === request.attempt;
  if (!current || deps.now().toISOString() > request.expiresAt) return { state: 'expired', request, record };
  return { state: 'current', request, record };
}

/** The open page: the earlier decisions and, from the second version on, what changed, read side by side. */
async function openView(deps: EffectDeps, request: ReviewRequest, record: CaseRecord): Promise<ReviewView> {
  const [history, changes] = await Promise.all([deps.reviews.decisions(record.id), changesUnderReview(deps, record)]);
  return { state: 'open', request, record, history, ...(changes ? { changes } : {}) };
}

/** Opens a review link without changing anything: GET and HEAD, and mail scanners, see only this. */
export async function openReview(deps: EffectDeps, reviewId: string): Promise<ReviewView> {
  const view = await reviewState(deps, reviewId);
  return view.state === 'current' ? openView(deps, view.request, view.record) : view;
}

export type DecideResult =
  | { state: 'recorded'; decision: DecisionRecord; record: CaseRecord }
  | { state: 'invalid'; errors: FieldError[]; view: ReviewView }
  | Exclude<ReviewView, { state: 'open' }>;

const COMMENT_MAX = 2000;

/**
 * Records a reviewer's decision: once per round, whoever is first, with a conditional write; the
 * decision item also queues its delivery to the workflow, so a crash cannot lose it.
 */
export async function decide(deps: EffectDeps, reviewId: string, form: { decision?: string; comment?: string }, lang: Language): Promise<DecideResult> {
  const view = await reviewState(deps, reviewId);
  if (view.state !== 'current') return view;
  const it = lang === 'it';
  const errors: FieldError[] = [];
  const decision = DECISIONS.find((d) => d === form.decision);
  const comment = (form.comment ?? '').trim();
  if (!decision) errors.push({ path: 'decision', message: it ? 'Scegliere una decisione.' : 'Choose a decision.' });
  if (decision && decision !== 'approve' && comment.length < 3) {
    errors.push({
      path: 'comment',
      message: it ? 'Per respingere o chiedere modifiche serve un commento per chi ha inviato il caso.' : 'Rejecting or requesting changes needs a comment for the submitter.',
    });
  }
  if (comment.length > COMMENT_MAX) {
    errors.push({ path: 'comment', message: it ? `Al massimo ${COMMENT_MAX} caratteri.` : `At most ${COMMENT_MAX} characters.` });
  }
  // Only a form given back needs what the page shows besides the case.
  if (errors.length > 0 || !decision) return { state: 'invalid', errors, view: await openView(deps, view.request, view.record) };

  const record: DecisionRecord = {
    caseId: view.record.id,
    round: view.request.round,
    decision: decision satisfies Decision,
    ...(comment ? { comment } : {}),
    reviewer: view.request.reviewer,
    ...(view.request.role === 'coordinator' ? { role: 'coordinator' as const } : {}),
    at: deps.now().toISOString(),
  };
  const result = await deps.reviews.recordDecision(record);
  if (!result.recorded) return { state: 'decided', request: view.request, record: view.record, decision: result.existing };
  // The decision item is also its delivery to the workflow: the stream sends it from the commit.
  deps.log.info('decision recorded', { caseId: record.caseId, round: record.round, decision: record.decision });
  return { state: 'recorded', decision: record, record: view.record };
}

/** What an edit link opens. */
export type AmendView =
  | { state: 'open'; record: CaseRecord; amendment: AmendmentRecord; decision?: DecisionRecord }
  | { state: 'done'; record: CaseRecord }
  | { state: 'expired'; record: CaseRecord };

export async function openAmendment(deps: EffectDeps, caseId: string, token: string | undefined): Promise<AmendView> {
  const record = CASE_ID_PATTERN.test(caseId) ? await deps.cases.get(caseId) : undefined;
  if (!record || !token) throw new NotFound();
  // The link belongs to one round; once the case has moved on, an earlier round's link says so rather than 404.
  for (let round = record.reviewRound ?? 0; round >= 1; round--) {
    const amendment = await deps.reviews.amendment(caseId, round);
    if (!amendment || !secretMatches(token, amendment.editTokenHash)) continue;
    const unused = round === record.reviewRound && record.dataVersion === amendment.baseVersion;
    // The window ran out and the workflow closed the case: the link expired unused; it was not "already updated".
    if (unused && record.status === 'expired') return { state: 'expired', record };
    if (round !== record.reviewRound || record.status !== 'changes_requested' || !unused) {
      return { state: 'done', record };
    }
    if (deps.now().toISOString() > amendment.expiresAt) return { state: 'expired', record };
    return { state: 'open', record, amendment, decision: await deps.reviews.decision(caseId, round) };
  }
  throw new NotFound();
}

export type AmendResult = { state: 'amended'; record: CaseRecord } | { state: 'invalid'; errors: FieldError[]; view: AmendView } | Exclude<AmendView, { state: 'open' }>;

/**
 * An amendment keeps the Hub's mail where it may go: the contact stays at the partner's domains,
 * and a contact confirmed through the form cannot be swapped for an address nobody confirmed.
 */
function amendedContactProblem(deps: EffectDeps, record: CaseRecord, email: string, lang: Language): FieldError | undefined {
  const it = lang === 'it';
  const partner = deps.partners.get(record.data.partner);
  if (partner && !contactDomainAllowed(partner, email)) {
    return {
      path: 'contact.email',
      message: it
        ? `Email del referente: deve essere un indirizzo dell'organizzazione ${partner.name} (${partner.contactDomains.join(', ')})`
        : `Contact email: must be an address of ${partner.name} (${partner.contactDomains.join(', ')})`,
    };
  }
  if (record.channel === 'form' && email.trim().toLowerCase() !== record.data.contact.email.trim().toLowerCase()) {
    return {
      path: 'contact.email',
      message: it
        ? "Email del referente: l'indirizzo confermato non si può cambiare in una modifica; per un altro referente inviare un nuovo caso"
        : 'Contact email: the confirmed address cannot be changed in an amendment; for another contact, send a new case',
    };
  }
  return undefined;
}

/** Stores the amended case as a new version and sends it back to review. */
export async function amendCase(
  deps: EffectDeps,
  caseId: string,
  token: string | undefined,
  payload: Record<string, unknown>,
  lang: Language,
): Promise<AmendResult> {
  const view = await openAmendment(deps, caseId, token);
  if (view.state !== 'open') return view;
  const { website: _honeypot, ...fields } = payload;
  const validation = validateCase(fields, lang);
  if (!validation.ok) return { state: 'invalid', errors: validation.errors, view };
  if (validation.value.partner !== view.record.data.partner) {
    return { state: 'invalid', errors: [{ path: 'partner', message: lang === 'it' ? 'Il partner non si può cambiare.' : 'The partner cannot be changed.' }], view };
  }
  const contactProblem = amendedContactProblem(deps, view.record, validation.value.contact.email, lang);
  if (contactProblem) return { state: 'invalid', errors: [contactProblem], view };
  const at = deps.now().toISOString();
  const version = view.amendment.baseVersion + 1;
  const stored = await deps.cases.amend({
    id: caseId,
    expectedRevision: view.record.revision,
    data: validation.value,
    version,
    round: view.amendment.round,
    at,
    // The commit records the version and its event, then delivers the amendment to the workflow.
    commit: commitPayload('amended', [{ effect: 'deliver-amendment', payload: { round: view.amendment.round } }], { version, at, seq: view.record.revision }),
  });
  if (!stored) return { state: 'done', record: view.record };
  return { state: 'amended', record: await mustGet(deps, caseId) };
}
