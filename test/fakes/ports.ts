/**
 * In-memory fakes of the ports of `shared/app`, for fast unit tests of the use cases: no SDK, no
 * emulator. They keep what was written, sent or started, so a test reads it back.
 */
import type { WorkflowPort } from '../../shared/app/effects';
import type { CaseStore, EntryAt, MailMessage, Mailer, NewCase, OutboxStore } from '../../shared/app/ports';
import type { CaseRecord, OutboxEntry } from '../../shared/core/case-record';

const unsupported = (what: string) => async (): Promise<never> => {
  throw new Error(`${what} is not faked`);
};

/** The case repository: cases by id, each with the commit its one write carried. */
export function fakeCaseStore(): CaseStore & { cases: Map<string, CaseRecord>; commits: Map<string, NewCase['commit']>; writes: number } {
  const cases = new Map<string, CaseRecord>();
  const commits = new Map<string, NewCase['commit']>();
  const store = {
    cases,
    commits,
    writes: 0,
    async create(draft: NewCase) {
      store.writes += 1;
      const existing = cases.get(draft.id);
      if (existing) return { created: false, record: existing };
      const record: CaseRecord = {
        id: draft.id, reference: draft.reference, status: 'submitted', revision: 1, dataVersion: 1, data: draft.data,
        createdAt: draft.at, updatedAt: draft.at, statusTokenHash: draft.statusTokenHash, channel: draft.channel,
        ...(draft.confirmTokenHash ? { awaitingConfirmation: true, confirmTokenHash: draft.confirmTokenHash } : {}),
        ...(draft.challengeId ? { challengeId: draft.challengeId } : {}),
        ...(draft.resubmittedFrom ? { resubmittedFrom: draft.resubmittedFrom } : {}),
      };
      cases.set(record.id, record);
      commits.set(record.id, draft.commit);
      return { created: true, record };
    },
    recordCommit: unsupported('recordCommit'),
    addStatusLink: unsupported('addStatusLink'),
    get: async (id) => cases.get(id),
    history: async () => [],
    idsByStatus: async (status) => [...cases.values()].filter((c) => c.status === status).map((c) => c.id),
    versions: async () => [],
    version: async () => undefined,
    async transition(change) {
      const record = cases.get(change.id);
      if (!record || record.revision !== change.expectedRevision || record.status !== change.from) return false;
      cases.set(change.id, { ...record, status: change.to, revision: record.revision + 1, updatedAt: change.at });
      return true;
    },
    setRound: unsupported('setRound'),
    amend: unsupported('amend'),
    confirmContact: unsupported('confirmContact'),
  } satisfies CaseStore & { cases: Map<string, CaseRecord>; commits: Map<string, NewCase['commit']>; writes: number };
  return store;
}

const keyText = (key: OutboxEntry['key']) => `${key.pk}|${key.sk}`;

/** The outbox: pending entries by key, and those completed. */
export function fakeOutbox(): OutboxStore & { pending: Map<string, OutboxEntry>; completed: OutboxEntry[] } {
  const pending = new Map<string, OutboxEntry>();
  const completed: OutboxEntry[] = [];
  const keyOf = (at: EntryAt): OutboxEntry['key'] => {
    const pk = `CASE#${at.caseId}`;
    switch (at.on) {
      case 'case': return { pk, sk: 'CASE' };
      case 'effect': return { pk, sk: `OUTBOX#${at.effect}${at.suffix ?? ''}` };
      case 'review-request': return { pk, sk: `REVIEW#${at.round}#${at.attempt}#${at.index}` };
      case 'amendment': return { pk, sk: `AMEND#${at.round}` };
      case 'decision': return { pk, sk: `DECISION#${at.round}` };
    }
  };
  return {
    pending,
    completed,
    entryKey: keyOf,
    due: async (now, limit) => [...pending.values()].filter((e) => e.dueAt <= now).slice(0, limit),
    lease: async (entry) => !completed.some((done) => keyText(done.key) === keyText(entry.key)),
    async complete(entry) {
      pending.delete(keyText(entry.key));
      completed.push(entry);
    },
    async defer(entry, dueAt) {
      pending.set(keyText(entry.key), { ...entry, dueAt, attempts: entry.attempts + 1 });
    },
    async enqueue(entry) {
      if (pending.has(keyText(entry.key))) return false;
      pending.set(keyText(entry.key), { ...entry, attempts: 0 });
      return true;
    },
    deadLetter: unsupported('deadLetter'),
    deadLetters: async () => [],
    revive: unsupported('revive'),
  };
}

/** A mailer that keeps every message. */
export function fakeMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { messageId: `fake-${sent.length}` };
    },
  };
}

/** A review workflow that records the cases it started and the tasks it completed. */
export function fakeWorkflow(): WorkflowPort & { started: string[]; succeeded: { taskToken: string; output: Record<string, unknown> }[] } {
  const started: string[] = [];
  const succeeded: { taskToken: string; output: Record<string, unknown> }[] = [];
  return {
    started,
    succeeded,
    async start(caseId) {
      if (!started.includes(caseId)) started.push(caseId);
    },
    async succeed(taskToken, output) {
      succeeded.push({ taskToken, output });
      return 'done';
    },
  };
}

/** A clock that stands still until a test moves it. */
export function fakeClock(start = new Date('2026-03-02T10:00:00Z')) {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms;
    },
  };
}
