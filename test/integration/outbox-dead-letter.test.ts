import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import { runOutboxCommand, UsageError } from '../../infra/ops/outbox';
import { DEAD_LETTER_MESSAGE, MAX_ATTEMPTS, retryDelayMs, sweepOutbox, type WorkflowPort } from '../../shared/app/effects';
import type { ReviewDeps } from '../../shared/app/review-flow';
import { submitCase, type SubmitDeps } from '../../shared/app/submit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createOutboxStore, type OutboxStore } from '../../shared/adapters/dynamodb/outbox-store';
import { bearerFor, domainDeps, type DomainDeps } from '../support/domain';
import { validCase } from '../support/runtime';

/**
 * Outbox entries that keep failing: retried with back-off up to MAX_ATTEMPTS, then dead-lettered
 * (out of the outbox, kept with their error, attempts and payload), and put back by ops.
 */
const TABLE = 'dead-letters';
let dynamo: DynamoEmulator;
let deps: DomainDeps;
let outbox: OutboxStore;
let stream: LocalStream;
let clock: Date;
let mailDown = true;
const sent: MailMessage[] = [];
let mailAttempts = 0;
const errors: { message: string; fields: Record<string, unknown> }[] = [];

beforeAll(async () => {
  dynamo = await startDynamo('memory', TABLE);
  const doc = createDocumentClient(dynamo.endpoint);
  const workflow: WorkflowPort = { start: async () => undefined, succeed: async () => 'done' };
  deps = {
    ...domainDeps({
      doc,
      table: TABLE,
      mailer: {
        send: async (message) => {
          mailAttempts += 1;
          if (mailDown) throw Object.assign(new Error('Sending paused for this account'), { name: 'AccountSuspendedException' });
          sent.push(message);
          return { messageId: String(sent.length) };
        },
      },
      workflow,
      now: () => clock,
      reviewers: ['anna.bianchi@hub.example.org'],
    }),
    startsWorkflow: false,
    log: { info: () => undefined, error: (message: string, fields: Record<string, unknown> = {}) => void errors.push({ message, fields }) },
  };
  outbox = createOutboxStore(doc, TABLE);
  stream = streamInProcess(dynamo, TABLE, deps);
});
afterAll(async () => {
  await stream?.close();
  await dynamo?.close();
});
beforeEach(() => {
  mailDown = true;
  mailAttempts = 0;
  errors.length = 0;
});

/** Sweeps as the schedule would, each time just after the entry is due again, until `stop` says so. */
async function sweepUntil(stop: () => Promise<boolean>, maxSweeps = 200): Promise<number> {
  let sweeps = 0;
  while (!(await stop())) {
    const [next] = await outbox.due('9999-12-31T00:00:00.000Z', 1000).then((due) => due.sort((a, b) => a.dueAt.localeCompare(b.dueAt)));
    if (next) clock = new Date(Math.max(clock.getTime(), Date.parse(next.dueAt)) + 1000);
    await sweepOutbox(deps);
    sweeps += 1;
    if (sweeps > maxSweeps) throw new Error('the entry was never dead-lettered');
  }
  return sweeps;
}

const pendingOf = async (caseId: string) => (await outbox.due('9999-12-31T00:00:00.000Z', 1000)).filter((entry) => entry.caseId === caseId);
const deadOf = async (caseId: string) => (await outbox.deadLetters()).filter((entry) => entry.caseId === caseId);

/** A case whose receipt has failed MAX_ATTEMPTS times and been dead-lettered. */
async function deadLetteredReceipt() {
  clock = new Date('2026-03-02T10:00:00Z');
  const started = clock.getTime();
  const input = validCase();
  const { id } = await submitCase(deps, { payload: input, lang: 'it', authorization: await bearerFor(deps) });
  // The stream ran the commit, which spawned the receipt; its first attempt failed.
  await stream.idle();
  const [pending] = await pendingOf(id);
  expect(pending).toMatchObject({ effect: 'receipt', attempts: 1 });
  await sweepUntil(async () => (await deadOf(id)).length > 0);
  return { id, email: (input.contact as { email: string }).email, payload: pending!.payload, hours: (clock.getTime() - started) / 3_600_000 };
}

describe('an outbox entry that keeps failing', () => {
  it(`is tried ${MAX_ATTEMPTS} times over about a day, then dead-lettered with its last error, its attempts and its payload`, async () => {
    const { id, payload, hours } = await deadLetteredReceipt();
    expect(mailAttempts).toBe(MAX_ATTEMPTS);
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(30);
    expect(await pendingOf(id)).toEqual([]);
    const [dead] = await deadOf(id);
    expect(dead).toMatchObject({
      caseId: id,
      effect: 'receipt',
      attempts: MAX_ATTEMPTS,
      lastError: 'AccountSuspendedException: Sending paused for this account',
      deadLetteredAt: expect.stringMatching(/^2026-03-0[34]T/),
    });
    // Whatever secret the mail needs (the status link's token) is still there for a retry.
    expect(dead!.payload).toEqual(payload);
    const lines = errors.filter((e) => e.message === DEAD_LETTER_MESSAGE);
    expect(lines).toEqual([{ message: DEAD_LETTER_MESSAGE, fields: expect.objectContaining({ caseId: id, effect: 'receipt', attempts: MAX_ATTEMPTS }) }]);
  });

  it('is not tried again by later sweeps', async () => {
    const { id } = await deadLetteredReceipt();
    const before = mailAttempts;
    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + retryDelayMs(MAX_ATTEMPTS) + 60_000);
      await sweepOutbox(deps);
    }
    expect(mailAttempts).toBe(before);
    expect(await deadOf(id)).toHaveLength(1);
  });
});

describe('npm run outbox', () => {
  it('lists the dead letters, and retry --case puts one back in the outbox, where the next sweep sends it', async () => {
    const { id, email, payload } = await deadLetteredReceipt();
    const listed = await runOutboxCommand(outbox, ['list-dead'], clock);
    expect(listed.lines.find((line) => line.startsWith(id))).toMatch(new RegExp(`${id}  receipt  ${MAX_ATTEMPTS} attempts .*AccountSuspendedException`));

    mailDown = false;
    expect(await runOutboxCommand(outbox, ['retry', '--case', id, '--effect', 'workflow'], clock)).toMatchObject({ retried: 0 });
    expect((await runOutboxCommand(outbox, ['retry', '--case', id, '--effect', 'receipt'], clock)).retried).toBe(1);
    expect(await deadOf(id)).toEqual([]);
    const [back] = await pendingOf(id);
    expect(back).toMatchObject({ effect: 'receipt', attempts: 0, payload });
    // A second retry finds nothing to put back.
    expect((await runOutboxCommand(outbox, ['retry', '--case', id], clock)).retried).toBe(0);

    const before = sent.length;
    await sweepOutbox(deps);
    expect(sent.slice(before).map((mail) => mail.to)).toEqual([[email]]);
    expect(await pendingOf(id)).toEqual([]);
  });

  it('retry-all-dead puts every dead letter back', async () => {
    const first = await deadLetteredReceipt();
    const second = await deadLetteredReceipt();
    const all = (await outbox.deadLetters()).length;
    expect(all).toBeGreaterThanOrEqual(2);
    expect((await runOutboxCommand(outbox, ['retry-all-dead'], clock)).retried).toBe(all);
    expect(await outbox.deadLetters()).toEqual([]);
    for (const { id } of [first, second]) expect(await pendingOf(id)).toHaveLength(1);
  });

  it.each([[[]], [['retry']], [['list-dead', '--case', 'x']], [['purge']], [['retry', '--case']], [['retry', '--case', 'x', '--bogus']]])('refuses %j with its usage', async (args) => {
    await expect(runOutboxCommand(outbox, args, clock)).rejects.toBeInstanceOf(UsageError);
  });
});
