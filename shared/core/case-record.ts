import type { CaseInput } from './case';
import type { RequestReason, ReviewerRole } from './reviewers';

export const CASE_STATUSES = [
  'submitted',
  'in_review',
  'changes_requested',
  'approved',
  'rejected',
  'expired',
  'failed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The statuses a case can be sent again from in one step: closed without a decision on it. */
export const RESUBMITTABLE: ReadonlySet<CaseStatus> = new Set(['expired', 'failed']);

/** How long after it closed a case can be sent again in one step; later, through the form. */
export const RESUBMIT_WINDOW_DAYS = 30;

/**
 * Work that must happen after a write; each is kept in the outbox (a sparse index over the items
 * that carry it) until done, so a failure is retried and never silently dropped.
 */
export const EFFECTS = [
  /** What a commit implies beyond its one write: the version and event records, the counters and the effects it spawns. */
  'commit',
  'receipt',
  'confirm-mail',
  'workflow',
  'review-mail',
  'changes-mail',
  'outcome-mail',
  'deliver-decision',
  'deliver-amendment',
  /** An approved practice: finds the approved needs it answers and queues one `match-mail` for each. */
  'match-needs',
  /** Tells a need's submitter of one practice that answers it: once per need and practice. */
  'match-mail',
] as const;
export type Effect = (typeof EFFECTS)[number];

/** What a commit records after its one write: a new case, or an amended version of one. */
export type CommitKind = 'submitted' | 'amended';

/** A stored case: the submission as last amended, with its identity and state. */
export interface CaseRecord {
  id: string;
  reference: string;
  status: CaseStatus;
  /** Incremented on every change; updates are conditioned on it. */
  revision: number;
  /** The number of the latest submitted version of the case data. */
  dataVersion: number;
  data: CaseInput;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
  /** SHA-256 of the secret in the submitter's status link. */
  statusTokenHash: string;
  /** SHA-256 of the secrets of the status links sent since, in the outcome mails: each opens the status too. */
  statusLinkHashes?: string[];
  /** How the submitter proved who they are: a partner's key (`api`) or the Hub's form (`form`). */
  channel?: 'api' | 'form';
  /** The case came through the form and its contact has not confirmed the address yet. */
  awaitingConfirmation?: true;
  /** SHA-256 of the secret in the confirmation link (cases that came through the form). */
  confirmTokenHash?: string;
  /** When the contact confirmed the address. */
  confirmedAt?: string;
  /** The form's proof-of-work challenge the case spent (a solved challenge makes one case). */
  challengeId?: string;
  /** The review round (1, then one more after each amendment) and reminder attempt in progress. */
  reviewRound?: number;
  reviewAttempt?: number;
  /** The expired or failed case this one sends again, as it stood (see `resubmitCase`). */
  resubmittedFrom?: string;
  /** When the submitter's contact data was erased (on request, by the retention purge, or unconfirmed). */
  personalDataErasedAt?: string;
}

/**
 * Who caused an event: the submitter, a reviewer (by email; `role` says when a coordinator of the
 * Hub decided) or the system itself.
 */
export type Actor = { type: 'submitter' } | { type: 'reviewer'; email: string; role?: ReviewerRole } | { type: 'system'; name: string };

/**
 * One person asked to review a case, as its `review-requested` event records it: one event per
 * person, so that the event holds one person's address (indexed byPerson, erased with them).
 */
export interface AskedReviewer {
  email: string;
  role: ReviewerRole;
  organisation?: string;
}

/** One entry of a case's history; every status change is one. */
export interface CaseEvent {
  at: string;
  type: 'submitted' | 'status-changed' | 'amended' | 'contact-confirmed' | 'review-requested';
  actor: Actor;
  from?: CaseStatus;
  to?: CaseStatus;
  note?: string;
  /** `review-requested`: who was asked, in which round and attempt, and why. */
  asked?: AskedReviewer;
  round?: number;
  attempt?: number;
  reason?: RequestReason;
}

export interface CaseVersion {
  version: number;
  at: string;
  data: CaseInput;
}

/** A pending side effect of a case, waiting in the outbox. `key` is the item that carries it. */
export interface OutboxEntry {
  key: { pk: string; sk: string };
  caseId: string;
  effect: Effect;
  attempts: number;
  dueAt: string;
  /** What the effect needs that the case does not hold, such as a link secret; erased once done. */
  payload?: Record<string, string | number>;
}

/**
 * A case's history as its holder reads it: the stored events, opened by the `submitted` event,
 * which the case's commit records a moment after its one write; until then it is read from the
 * case itself, so the history is whole from the first answer on.
 */
export function historyOf(record: Pick<CaseRecord, 'createdAt'>, events: readonly CaseEvent[]): CaseEvent[] {
  if (events.some((event) => event.type === 'submitted')) return [...events];
  return [{ at: record.createdAt, type: 'submitted', actor: { type: 'submitter' }, to: 'submitted' }, ...events];
}

/**
 * The review requests of one round's attempt, as the submitter's status page tells them: how many
 * reviewers or coordinators were asked, never who (their addresses are the Hub's staff data).
 */
export interface RequestSummary {
  at: string;
  type: 'review-requested';
  round: number;
  attempt: number;
  reason: RequestReason;
  reviewers: number;
  coordinators: number;
}

/**
 * A case's history for its holder: the events as stored, except that the `review-requested`
 * events (one per person asked) become one summary per round and attempt, where the first was.
 */
export function historyForHolder(events: readonly CaseEvent[]): (CaseEvent | RequestSummary)[] {
  const summaries = new Map<string, RequestSummary>();
  const entries: (CaseEvent | RequestSummary)[] = [];
  for (const event of events) {
    if (event.type !== 'review-requested') {
      entries.push(event);
      continue;
    }
    const round = event.round ?? 1;
    const attempt = event.attempt ?? 0;
    const key = `${round}#${attempt}`;
    let summary = summaries.get(key);
    if (!summary) {
      summary = { at: event.at, type: 'review-requested', round, attempt, reason: event.reason ?? (attempt > 0 ? 'reminder' : 'review'), reviewers: 0, coordinators: 0 };
      summaries.set(key, summary);
      entries.push(summary);
    }
    if (event.asked?.role === 'coordinator') summary.coordinators += 1;
    else summary.reviewers += 1;
  }
  return entries;
}
