import type { Notifier } from './ports';
import type { CaseStore } from './ports';
import type { OutboxStore } from './ports';
import type { FreshEntry, ReviewStore } from './ports';
import type { CaseRecord, CommitKind, Effect, OutboxEntry } from '../core/case-record';
import { mailboxOf, type Partner } from '../core/partners';
import type { Decision } from '../core/review';
import { LAST_USE_RESOLUTION_MS, type PartnerKeys } from './partner-keys';
import { hashSecret, newSecret } from '../core/ids';
import { isPractice, matchOf } from '../core/matching';
import { catalogUrl, matchCaseOf, toPracticeView, type ApprovedCase, type ApprovedCaseReader } from './matching';

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

/** Counts the mails one mailbox ({@link mailboxOf}) gets a day, so that nobody can make the Hub flood an inbox. */
export interface MailCaps {
  /** Counts one more mail of `kind` to `email` on `day`; false when the address had its `cap` already. */
  take(email: string, kind: CappedMail, day: string, cap: number): Promise<boolean>;
}

/** Mails whose address comes from a submission, capped per address and day. */
export type CappedMail = 'receipt' | 'confirm' | 'match';

/**
 * At most this many mails of a kind to one address on one UTC day. A match mail over the cap is
 * not sent: the need's status page still lists that practice with the others.
 */
export const MAIL_CAPS: Record<CappedMail, number> = { receipt: 20, confirm: 3, match: 10 };

export interface EffectDeps {
  cases: CaseStore;
  mailCaps: MailCaps;
  outbox: OutboxStore;
  reviews: ReviewStore;
  /**
   * Absent in the functions that send no mail: a mail effect run there fails and stays in the
   * outbox for the sweep, which has one.
   */
  notifier?: Notifier;
  workflow?: WorkflowPort;
  /** Records a partner key's last use after the commit of a case it submitted. */
  partnerKeys?: Pick<PartnerKeys, 'touch'>;
  publicBaseUrl: string;
  /** The Hub's partners, to name them in mails. */
  partners: ReadonlyMap<string, Partner>;
  /**
   * The approved cases on the byStatus index, for matching needs with practices. Absent in the
   * functions that may not query that index: a `match-needs` effect run there fails and stays in
   * the outbox for the stream or the sweep, which have it.
   */
  approvedCases?: ApprovedCaseReader;
  /** The Hub's address people write to to be introduced, when the stage has one. */
  hubContactEmail?: string;
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

export function confirmUrl(publicBaseUrl: string, caseId: string, token: string): string {
  return `${publicBaseUrl}/cases/${caseId}/confirm?token=${encodeURIComponent(token)}`;
}

export function editUrl(publicBaseUrl: string, caseId: string, token: string): string {
  return `${publicBaseUrl}/cases/${caseId}/edit?token=${encodeURIComponent(token)}`;
}

/** The link that sends a closed case again: the outcome mail's status link, at the case's resubmit path. */
export function resubmitUrl(publicBaseUrl: string, caseId: string, token: string): string {
  return `${publicBaseUrl}/cases/${caseId}/resubmit?token=${encodeURIComponent(token)}`;
}

/**
 * The effects a new case needs, in the order they run: a receipt and the review when the caller is
 * known (a partner's key, or a contact confirmed before); otherwise only the confirmation mail,
 * and the review starts from the confirmation.
 */
export function effectsFor(options: { startsWorkflow: boolean; statusToken: string; confirmToken?: string }) {
  if (options.confirmToken) {
    return [{ effect: 'confirm-mail' as const, payload: { statusToken: options.statusToken, confirmToken: options.confirmToken } }];
  }
  return [
    { effect: 'receipt' as const, payload: { statusToken: options.statusToken } },
    ...(options.startsWorkflow ? [{ effect: 'workflow' as const }] : []),
  ];
}

/** What each effect a commit spawns takes from the commit's payload. */
const SPAWNED_PAYLOAD: Partial<Record<Effect, readonly string[]>> = {
  receipt: ['statusToken'],
  'confirm-mail': ['statusToken', 'confirmToken'],
  'deliver-amendment': ['round'],
};

/**
 * The payload of a commit entry: what to record (`kind`, and for an amendment its `version`, `at`
 * and `seq`), the effects to spawn once recorded, with what they need, and the key that submitted.
 */
export function commitPayload(
  kind: CommitKind,
  effects: readonly { effect: Effect; payload?: Record<string, string | number> }[],
  extra: Record<string, string | number | undefined> = {},
): Record<string, string | number> {
  const payload: Record<string, string | number> = { kind, effects: effects.map(({ effect }) => effect).join(',') };
  for (const source of [extra, ...effects.map((effect) => effect.payload ?? {})]) {
    for (const [name, value] of Object.entries(source)) if (value !== undefined) payload[name] = value;
  }
  return payload;
}

/** Spawned effects ride on items of their own, one per effect and case (and round, for a delivery). */
function spawnedKey(deps: EffectDeps, caseId: string, effect: Effect, payload: OutboxEntry['payload']) {
  const suffix = effect === 'deliver-amendment' ? `#${text(payload, 'round')}` : '';
  return deps.outbox.entryKey({ on: 'effect', caseId, effect, suffix });
}

/**
 * Runs a commit entry: records what the commit implies, then spawns its effects as fresh entries
 * of their own (each then runs, retries and dead-letters alone). Safe to run again: the records
 * are written whole under fixed keys and an effect already spawned is not spawned twice.
 */
async function runCommit(entry: OutboxEntry, record: CaseRecord, deps: EffectDeps): Promise<void> {
  const { payload } = entry;
  const kind = text(payload, 'kind') as CommitKind;
  await deps.cases.recordCommit(record, kind === 'submitted' ? { kind } : { kind, version: Number(text(payload, 'version')), at: text(payload, 'at'), seq: Number(text(payload, 'seq')) });
  const at = deps.now().toISOString();
  for (const effect of String(payload?.effects ?? '').split(',').filter(Boolean) as Effect[]) {
    const needs = SPAWNED_PAYLOAD[effect] ?? [];
    const spawned = needs.length > 0 ? Object.fromEntries(needs.map((name) => [name, text(payload, name)])) : undefined;
    await deps.outbox.enqueue({ key: spawnedKey(deps, record.id, effect, spawned), caseId: record.id, effect, dueAt: at, ...(spawned ? { payload: spawned } : {}) });
  }
  const keyId = payload?.keyId;
  if (keyId !== undefined && deps.partnerKeys) {
    await deps.partnerKeys.touch(record.data.partner, String(keyId), deps.now(), LAST_USE_RESOLUTION_MS).catch(() => undefined);
  }
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

/** Whether the case's contact may get one more mail of this kind today; logs when not. */
async function underCap(deps: EffectDeps, record: CaseRecord, kind: CappedMail): Promise<boolean> {
  const day = deps.now().toISOString().slice(0, 10);
  // Counted per mailbox, not per spelling: ada+1@ and Ada@ are ada@'s inbox.
  if (await deps.mailCaps.take(mailboxOf(record.data.contact.email), kind, day, MAIL_CAPS[kind])) return true;
  deps.log.info('mail cap reached; mail not sent', { caseId: record.id, kind, cap: MAIL_CAPS[kind] });
  return false;
}

function notifierOf(deps: EffectDeps): Notifier {
  if (!deps.notifier) throw new Error('mail effect without a configured notifier');
  return deps.notifier;
}

/** The item of the mail telling the need's submitter about one practice: one per need and practice, ever. */
export const matchMailKey = (deps: Pick<EffectDeps, 'outbox'>, needId: string, practiceId: string) =>
  deps.outbox.entryKey({ on: 'effect', caseId: needId, effect: 'match-mail', suffix: `#${practiceId}` });

/**
 * An approved practice: queues, for each need approved before it that it answers, the mail to
 * that need's submitter, on an item keyed by need and practice (a conditional write), so that a
 * rerun, a replayed stream record or a retried task never queues a second one. A need approved
 * after the practice (while this effect waited in the stream or the outbox) is not told: the
 * practice was already on its status page when it was approved.
 */
async function queueMatchMails(entry: OutboxEntry, practice: CaseRecord, deps: EffectDeps): Promise<void> {
  if (practice.status !== 'approved' || !isPractice(practice.data.kind)) return;
  if (!deps.approvedCases) throw new Error('match-needs effect without the approved cases');
  const needs = await deps.approvedCases.approved(['need']);
  const subject = matchCaseOf(practice);
  const practiceDecidedAt = practice.decidedAt ?? practice.updatedAt;
  const at = deps.now().toISOString();
  let queued = 0;
  for (const need of needs) {
    if (need.decidedAt > practiceDecidedAt) continue;
    if (!matchOf(need, subject)) continue;
    const created = await deps.outbox.enqueue({ key: matchMailKey(deps, need.id, practice.id), caseId: need.id, effect: 'match-mail', dueAt: at, payload: { practice: practice.id } });
    if (created) queued += 1;
  }
  deps.log.info('practice matched with needs', { caseId: entry.caseId, needs: needs.length, queued });
}

/**
 * The mail to a need's submitter about one practice that answers it: only while the need is
 * approved and its contact data is kept, under the daily cap of its mailbox; it shows the
 * practice's public fields alone (see `toPracticeView`).
 */
async function sendMatchMail(need: CaseRecord, practiceId: string, deps: EffectDeps): Promise<void> {
  if (need.data.kind !== 'need' || need.status !== 'approved' || need.personalDataErasedAt) {
    deps.log.info('match mail not sent: need not approved or its contact erased', { caseId: need.id });
    return;
  }
  const practice = await deps.cases.get(practiceId);
  if (!practice || practice.status !== 'approved') return;
  const match = matchOf(matchCaseOf(need), publicFieldsOf(practice));
  if (!match) return;
  if (!(await underCap(deps, need, 'match'))) return;
  const view = toPracticeView(match, deps.partners);
  const token = newSecret();
  await deps.cases.addStatusLink(need.id, hashSecret(token));
  await notifierOf(deps).match(need, {
    practice: view,
    statusUrl: statusUrl(deps.publicBaseUrl, need.id, token),
    catalogUrl: catalogUrl(deps.publicBaseUrl, view, need.data.language),
    ...(deps.hubContactEmail ? { hubContactEmail: deps.hubContactEmail } : {}),
  });
}

/** A stored practice as the catalogue shows it: its public fields and nothing else (no contact, no summary). */
function publicFieldsOf(record: CaseRecord): ApprovedCase {
  const { partner, title, facility, kind } = record.data;
  return { ...matchCaseOf(record), id: record.id, reference: record.reference, kind, partner, title, facility, decidedAt: record.decidedAt ?? record.updatedAt };
}

async function perform(entry: OutboxEntry, record: CaseRecord, deps: EffectDeps): Promise<void> {
  const { payload } = entry;
  const base = deps.publicBaseUrl;
  switch (entry.effect satisfies Effect) {
    case 'commit':
      await runCommit(entry, record, deps);
      return;
    case 'receipt':
      if (!(await underCap(deps, record, 'receipt'))) return;
      await notifierOf(deps).receipt(record, statusUrl(base, record.id, text(payload, 'statusToken')));
      return;
    case 'confirm-mail':
      if (!(await underCap(deps, record, 'confirm'))) return;
      await notifierOf(deps).confirm(record, {
        confirmUrl: confirmUrl(base, record.id, text(payload, 'confirmToken')),
        statusUrl: statusUrl(base, record.id, text(payload, 'statusToken')),
        partnerName: deps.partners.get(record.data.partner)?.name ?? record.data.partner,
      });
      return;
    case 'workflow':
      if (!deps.workflow) throw new Error('workflow effect without a configured workflow');
      await deps.workflow.start(record.id);
      return;
    case 'review-mail':
      await notifierOf(deps).review(record, {
        partnerName: deps.partners.get(record.data.partner)?.name ?? record.data.partner,
        to: text(payload, 'reviewer'),
        url: reviewUrl(base, text(payload, 'reviewId')),
        reminder: Number(payload?.attempt ?? 0) > 0,
        // Mails queued before escalations existed carry no reason: a reminder or a first request.
        escalation: payload?.reason === 'escalation',
        expiresAt: text(payload, 'expiresAt'),
        previous: await deps.reviews.decisions(record.id),
      });
      return;
    case 'changes-mail': {
      const round = Number(text(payload, 'round'));
      const decision = await deps.reviews.decision(record.id, round);
      await notifierOf(deps).changes(record, { url: editUrl(base, record.id, text(payload, 'editToken')), comment: decision?.comment ?? '', expiresAt: text(payload, 'expiresAt') });
      return;
    }
    case 'outcome-mail': {
      const round = Number(text(payload, 'round'));
      const decision = await deps.reviews.decision(record.id, round);
      // A status link of its own: the first one is only in the receipt, and only its hash is kept.
      const token = newSecret();
      await deps.cases.addStatusLink(record.id, hashSecret(token));
      const outcome = text(payload, 'outcome');
      // An expired case says whose the wait was: the reviewers' (in review) or the submitter's (changes requested).
      const expiredFrom = outcome === 'expired' ? (await deps.cases.history(record.id)).findLast((event) => event.to === 'expired')?.from : undefined;
      await notifierOf(deps).outcome(record, {
        outcome,
        comment: decision?.comment,
        statusUrl: statusUrl(base, record.id, token),
        // A case closed without a decision on it can be sent again as it stands, in one step.
        ...(outcome === 'expired' || outcome === 'failed' ? { resubmitUrl: resubmitUrl(base, record.id, token) } : {}),
        ...(expiredFrom ? { expiredFrom } : {}),
      });
      return;
    }
    case 'match-needs':
      await queueMatchMails(entry, record, deps);
      return;
    case 'match-mail':
      await sendMatchMail(record, text(payload, 'practice'), deps);
      return;
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

/**
 * Leases an entry and runs it on `record`, read after the lease unless the caller holds it;
 * `taken` when someone else leased the entry first (or it is done).
 */
async function leaseAndRun(entry: OutboxEntry, deps: EffectDeps, record?: CaseRecord): Promise<'done' | 'failed' | 'taken'> {
  const leaseUntil = new Date(deps.now().getTime() + LEASE_MS).toISOString();
  if (!(await deps.outbox.lease(entry, leaseUntil))) return 'taken';
  return (await runEffect({ ...entry, dueAt: leaseUntil }, record ?? (await deps.cases.get(entry.caseId)), deps)) ? 'done' : 'failed';
}

/**
 * Runs entries just written on the case the caller holds, right away, for a caller with no one
 * waiting on it (a workflow task): each is leased first, so the stream's handler, which gets the
 * same entries, skips them. What fails or is not reached stays in the outbox.
 */
export async function runNow(entries: readonly OutboxEntry[], record: CaseRecord, deps: EffectDeps): Promise<void> {
  for (const entry of entries) {
    await leaseAndRun(entry, deps, record).catch((error: unknown) => {
      deps.log.error('effect bookkeeping failed; left to the outbox', { caseId: entry.caseId, effect: entry.effect, error: String(error) });
    });
  }
}

/**
 * Runs the entries a commit has just written, as the table's stream hands them over: each once,
 * whoever leases it first. Returns the ids of the records whose bookkeeping failed (storage, not
 * the effect: a failed effect is deferred in the outbox), for the stream to deliver again; an
 * entry leased before such a failure comes back to the sweep when its lease ends.
 */
export async function reactToCommits(deps: EffectDeps, fresh: readonly FreshEntry[]): Promise<string[]> {
  const failed: string[] = [];
  for (const { id, entry } of fresh) {
    try {
      await leaseAndRun(entry, deps);
    } catch (error) {
      failed.push(id);
      deps.log.error('fresh outbox entry not processed', { caseId: entry.caseId, effect: entry.effect, error: String(error) });
    }
  }
  return failed;
}

/** Runs every effect that is due: the safety net behind the stream. */
export async function sweepOutbox(deps: EffectDeps, limit = 50): Promise<{ done: number; failed: number }> {
  const due = await deps.outbox.due(deps.now().toISOString(), limit);
  let done = 0;
  let failed = 0;
  for (const entry of due) {
    try {
      const outcome = await leaseAndRun(entry, deps);
      if (outcome === 'done') done += 1;
      if (outcome === 'failed') failed += 1;
    } catch (error) {
      // One entry's storage error must not hold up the others; a leased entry comes back when its lease ends.
      failed += 1;
      deps.log.error('outbox entry not processed', { caseId: entry.caseId, effect: entry.effect, error: String(error) });
    }
  }
  return { done, failed };
}
