import type { Mailer } from '../mail/mailer';
import { changesMail, outcomeMail, receiptMail, reviewMail } from '../mail/templates';
import type { CaseStore } from '../store/case-store';
import type { OutboxStore } from '../store/outbox-store';
import type { ReviewStore } from '../store/review-store';
import type { CaseRecord, Effect, OutboxEntry } from './case-record';
import type { Partner } from './partners';
import type { Decision } from './review';

/** The case-review workflow as the domain sees it. */
export interface WorkflowPort {
  /** Starts the review of a case; a second start of the same case is a no-op. */
  start(caseId: string): Promise<void>;
  /** Completes a waiting task; `gone` when the workflow no longer waits on that token. */
  succeed(taskToken: string, output: Record<string, unknown>): Promise<'done' | 'gone'>;
}

export interface Log {
  error(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
}

export interface EffectDeps {
  cases: CaseStore;
  outbox: OutboxStore;
  reviews: ReviewStore;
  mailer: Mailer;
  workflow?: WorkflowPort;
  publicBaseUrl: string;
  /** The Hub's partners, to name them in mails. */
  partners: ReadonlyMap<string, Partner>;
  now: () => Date;
  log: Log;
}

/** The link to a case's status page, with its secret. */
export function statusUrl(publicBaseUrl: string, caseId: string, token: string): string {
  return `${publicBaseUrl}/cases/${caseId}?token=${encodeURIComponent(token)}`;
}

export function reviewUrl(publicBaseUrl: string, reviewId: string): string {
  return `${publicBaseUrl}/review/${encodeURIComponent(reviewId)}`;
}

export function editUrl(publicBaseUrl: string, caseId: string, token: string): string {
  return `${publicBaseUrl}/cases/${caseId}/edit?token=${encodeURIComponent(token)}`;
}

/** The effects a new case needs, in the order they run. */
export function effectsFor(startsWorkflow: boolean, statusToken: string) {
  return [
    { effect: 'receipt' as const, payload: { statusToken } },
    ...(startsWorkflow ? [{ effect: 'workflow' as const }] : []),
  ];
}

/** Waiting time before attempt `attempts + 1`: 30 s doubling up to an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** attempts, 3_600_000);
}

/**
 * Attempts after which an entry is given up on and dead-lettered: with {@link retryDelayMs},
 * about a day of retries (30 s doubling to an hour, then hourly).
 */
export const MAX_ATTEMPTS = 30;

/** The log line of a dead-lettered entry: the alarm's metric filter matches this message. */
export const DEAD_LETTER_MESSAGE = 'outbox entry dead-lettered';

/** How long a leased outbox entry is hidden from other sweeps while it is processed. */
export const LEASE_MS = 120_000;

const text = (payload: OutboxEntry['payload'], name: string) => {
  const value = payload?.[name];
  if (value === undefined) throw new Error(`outbox payload without ${name}`);
  return String(value);
};

async function deliver(deps: EffectDeps, kind: 'review' | 'amend', caseId: string, round: number, output: Record<string, unknown>) {
  if (!deps.workflow) throw new Error('no workflow configured');
  const token = await deps.reviews.taskToken(caseId, kind, round);
  if (!token) throw new Error(`no ${kind} task token for round ${round} yet`);
  if ((await deps.workflow.succeed(token, output)) === 'gone') {
    deps.log.info('workflow no longer waiting; delivery dropped', { caseId, kind, round });
  }
}

async function perform(entry: OutboxEntry, record: CaseRecord, deps: EffectDeps): Promise<void> {
  const { payload } = entry;
  const base = deps.publicBaseUrl;
  switch (entry.effect satisfies Effect) {
    case 'receipt':
      await deps.mailer.send(receiptMail(record, statusUrl(base, record.id, text(payload, 'statusToken'))));
      return;
    case 'workflow':
      if (!deps.workflow) throw new Error('workflow effect without a configured workflow');
      await deps.workflow.start(record.id);
      return;
    case 'review-mail':
      await deps.mailer.send(
        reviewMail(record, {
          partnerName: deps.partners.get(record.data.partner)?.name ?? record.data.partner,
          to: text(payload, 'reviewer'),
          url: reviewUrl(base, text(payload, 'reviewId')),
          reminder: Number(payload?.attempt ?? 0) > 0,
          expiresAt: text(payload, 'expiresAt'),
          previous: await deps.reviews.decisions(record.id),
        }),
      );
      return;
    case 'changes-mail': {
      const round = Number(text(payload, 'round'));
      const decision = await deps.reviews.decision(record.id, round);
      await deps.mailer.send(
        changesMail(record, { url: editUrl(base, record.id, text(payload, 'editToken')), comment: decision?.comment ?? '', expiresAt: text(payload, 'expiresAt') }),
      );
      return;
    }
    case 'outcome-mail': {
      const round = Number(text(payload, 'round'));
      const decision = await deps.reviews.decision(record.id, round);
      await deps.mailer.send(outcomeMail(record, { outcome: text(payload, 'outcome'), comment: decision?.comment }));
      return;
    }
    case 'deliver-decision':
      await deliver(deps, 'review', record.id, Number(text(payload, 'round')), {
        decision: text(payload, 'decision') as Decision,
        round: Number(text(payload, 'round')),
      });
      return;
    case 'deliver-amendment':
      await deliver(deps, 'amend', record.id, Number(text(payload, 'round')), { round: Number(text(payload, 'round')), dataVersion: record.dataVersion });
      return;
  }
}

/**
 * Runs one pending effect and settles its outbox entry: taken out when done, put back with a
 * later due time when it fails, dead-lettered when it has failed {@link MAX_ATTEMPTS} times.
 * Never throws for the effect's own failure, so a failing mail can never undo or hide what was
 * stored before it.
 */
export async function runEffect(entry: OutboxEntry, record: CaseRecord | undefined, deps: EffectDeps): Promise<boolean> {
  const at = deps.now();
  if (!record) {
    // The case write never committed (the process stopped between the two writes): nothing to do.
    await deps.outbox.complete(entry, at.toISOString());
    return true;
  }
  try {
    await perform(entry, record, deps);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const attempts = entry.attempts + 1;
    if (attempts >= MAX_ATTEMPTS) {
      await deps.outbox.deadLetter(entry, at.toISOString(), message);
      deps.log.error(DEAD_LETTER_MESSAGE, { caseId: entry.caseId, effect: entry.effect, attempts, error: message });
      return false;
    }
    const dueAt = new Date(at.getTime() + retryDelayMs(entry.attempts)).toISOString();
    deps.log.error('effect failed; retry scheduled', { caseId: entry.caseId, effect: entry.effect, attempts: entry.attempts + 1, dueAt, error: message });
    await deps.outbox.defer(entry, dueAt, message);
    return false;
  }
  await deps.outbox.complete(entry, deps.now().toISOString());
  return true;
}

/** Runs effects just queued, right away; what fails or is not reached stays in the outbox for the sweep. */
export async function runInline(entries: OutboxEntry[], record: CaseRecord, deps: EffectDeps): Promise<void> {
  for (const entry of entries) {
    await runEffect(entry, record, deps).catch((error: unknown) => {
      deps.log.error('effect bookkeeping failed; left to the outbox sweep', { caseId: entry.caseId, effect: entry.effect, error: String(error) });
    });
  }
}

/** Runs every effect that is due: the safety net behind inline processing. */
export async function sweepOutbox(deps: EffectDeps, limit = 50): Promise<{ done: number; failed: number }> {
  const now = deps.now();
  const due = await deps.outbox.due(now.toISOString(), limit);
  let done = 0;
  let failed = 0;
  for (const entry of due) {
    const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
    try {
      if (!(await deps.outbox.lease(entry, leaseUntil))) continue;
      const ok = await runEffect({ ...entry, dueAt: leaseUntil }, await deps.cases.get(entry.caseId), deps);
      if (ok) done += 1;
      else failed += 1;
    } catch (error) {
      // One entry's storage error must not hold up the others; a leased entry comes back when its lease ends.
      failed += 1;
      deps.log.error('outbox entry not processed', { caseId: entry.caseId, effect: entry.effect, error: String(error) });
    }
  }
  return { done, failed };
}
