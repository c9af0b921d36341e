import type { Mailer } from '../mail/mailer';
import { receiptMail } from '../mail/templates';
import type { CaseStore } from '../store/case-store';
import type { CaseRecord, Effect, OutboxEntry } from './case-record';

/** Starts the review workflow of a case; absent where no workflow is configured. */
export interface WorkflowStarter {
  start(caseId: string): Promise<void>;
}

export interface EffectDeps {
  cases: CaseStore;
  mailer: Mailer;
  workflow?: WorkflowStarter;
  publicBaseUrl: string;
  now: () => Date;
  log: { error(message: string, extra?: Record<string, unknown>): void; info(message: string, extra?: Record<string, unknown>): void };
}

/** The link to a case's status page, with its secret. */
export function statusUrl(publicBaseUrl: string, caseId: string, token: string): string {
  return `${publicBaseUrl}/cases/${caseId}?token=${encodeURIComponent(token)}`;
}

/** The effects a new case needs, in the order they run. */
export function effectsFor(deps: Pick<EffectDeps, 'workflow'>, statusToken: string) {
  return [
    { effect: 'receipt' as const, payload: { statusToken } },
    ...(deps.workflow ? [{ effect: 'workflow' as const }] : []),
  ];
}

/** Waiting time before attempt `attempts + 1`: 30 s doubling up to an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** attempts, 3_600_000);
}

/** How long a leased outbox entry is hidden from other sweeps while it is processed. */
export const LEASE_MS = 120_000;

async function perform(effect: Effect, record: CaseRecord, payload: Record<string, string> | undefined, deps: EffectDeps) {
  switch (effect) {
    case 'receipt': {
      const token = payload?.statusToken;
      if (!token) throw new Error('receipt effect without its status token');
      await deps.mailer.send(receiptMail(record, statusUrl(deps.publicBaseUrl, record.id, token)));
      return;
    }
    case 'workflow':
      if (!deps.workflow) throw new Error('workflow effect without a configured workflow');
      await deps.workflow.start(record.id);
      return;
  }
}

/**
 * Runs one pending effect and settles its outbox entry: deleted when done, put back with a
 * later due time when it fails. Never throws for the effect's own failure, so a failing mail
 * can never undo or hide an accepted case.
 */
export async function runEffect(entry: OutboxEntry, record: CaseRecord | undefined, deps: EffectDeps): Promise<boolean> {
  if (!record) {
    // The case write never committed (the process stopped between the two writes): nothing to do.
    await deps.cases.completeEffect(entry.caseId, entry.effect);
    return true;
  }
  try {
    await perform(entry.effect, record, entry.payload, deps);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const dueAt = new Date(deps.now().getTime() + retryDelayMs(entry.attempts)).toISOString();
    deps.log.error('effect failed; retry scheduled', { caseId: entry.caseId, effect: entry.effect, attempts: entry.attempts + 1, dueAt, error: message });
    await deps.cases.deferEffect(entry.caseId, entry.effect, dueAt, message);
    return false;
  }
  await deps.cases.completeEffect(entry.caseId, entry.effect);
  return true;
}

/** Runs every effect that is due: the safety net behind inline processing. */
export async function sweepOutbox(deps: EffectDeps, limit = 50): Promise<{ done: number; failed: number }> {
  const now = deps.now();
  const due = await deps.cases.dueEffects(now.toISOString(), limit);
  let done = 0;
  let failed = 0;
  for (const entry of due) {
    const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
    if (!(await deps.cases.leaseEffect(entry, leaseUntil))) continue;
    const ok = await runEffect(entry, await deps.cases.get(entry.caseId), deps);
    if (ok) done += 1;
    else failed += 1;
  }
  return { done, failed };
}
