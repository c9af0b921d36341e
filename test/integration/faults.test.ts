import { ProvisionedThroughputExceededException, InternalServerError } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { streamInProcess, type LocalStream } from '../../infra/local/stream';
import { sweepOutbox, type WorkflowPort } from '../../shared/app/effects';
import { decide, notifySubmitter, recordOutcome, requestReview, type ReviewDeps } from '../../shared/app/review-flow';
import { submitCase, type SubmitDeps } from '../../shared/app/submit-case';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { bearerFor, domainDeps, type DomainDeps } from '../support/domain';
import { validCase } from '../support/runtime';

/**
 * Fault injection at every external call of a whole case life (submission, review request,
 * decision, outcome): DynamoDB, SES and Step Functions fail once at call N, for every N. Each step
 * is retried the way its caller would retry it (the partner with the same Idempotency-Key, Step
 * Functions for tasks, the reviewer clicking again); the table's stream then delivers what the
 * step's writes left pending to the stream's handler (itself under the same faults, retried as
 * the event source mapping retries), and the outbox sweep runs. The invariants must hold after
 * every single fault.
 */
type Fault = { kind: 'dynamodb-throttle' | 'dynamodb-error' | 'ses' | 'sfn'; at: number };

let dynamo: DynamoEmulator;
let stream: LocalStream;
let calls = 0;
let fault: Fault | undefined;
let faultedCommand = '';
let clock = new Date('2026-03-02T10:00:00Z');
const mails: MailMessage[] = [];
const delivered: { token: string; output: Record<string, unknown> }[] = [];
const started: string[] = [];

function maybeFail(kind: Fault['kind'][], what: string): void {
  calls += 1;
  if (fault && kind.includes(fault.kind) && calls === fault.at) {
    faultedCommand = what;
    if (fault.kind === 'dynamodb-throttle') throw new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata: {} });
    if (fault.kind === 'dynamodb-error') throw new InternalServerError({ message: 'injected error', $metadata: {} });
    throw Object.assign(new Error(`injected ${fault.kind} failure`), { name: fault.kind === 'ses' ? 'TooManyRequestsException' : 'ServiceUnavailable' });
  }
}

let deps: DomainDeps;
/** The partner's key, made before any fault is injected. */
let authorization: string;

beforeAll(async () => {
  dynamo = await startDynamo('memory', 'faults');
  const doc = createDocumentClient(dynamo.endpoint);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { UpdateExpression?: string };
      // The one write whose loss may repeat a mail: the outbox marking it done.
      const marksDone = input.UpdateExpression?.startsWith('REMOVE gsi2pk') ? ' (outbox done)' : '';
      maybeFail(['dynamodb-throttle', 'dynamodb-error'], `${String(context.commandName)}${marksDone}`);
      return next(args);
    },
    { step: 'initialize', name: 'injectFaults' },
  );
  const workflow: WorkflowPort = {
    async start(caseId) {
      maybeFail(['sfn'], 'StartExecution');
      if (!started.includes(caseId)) started.push(caseId);
    },
    async succeed(token, output) {
      maybeFail(['sfn'], 'SendTaskSuccess');
      // As on Step Functions, a task token completes its task once; a repeat finds no task.
      if (delivered.some((d) => d.token === token)) return 'gone';
      delivered.push({ token, output });
      return 'done';
    },
  };
  deps = domainDeps({
    doc,
    table: 'faults',
    mailer: {
      async send(message) {
        maybeFail(['ses'], 'SendEmail');
        mails.push(message);
        return { messageId: String(mails.length) };
      },
    },
    workflow,
    now: () => clock,
    reviewers: ['anna.bianchi@hub.example.org', 'luca.verdi@hub.example.org'],
  });
  authorization = await bearerFor(deps);
  stream = streamInProcess(dynamo, 'faults', deps);

});
afterAll(async () => {
  await stream?.close();
  await dynamo?.close();
});

/** Retries a step as its caller would: up to three attempts. */
async function withRetries<T>(step: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await step();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Lets the stream deliver what the step wrote, then runs the outbox until nothing is due, moving the clock past every back-off. */
async function drainOutbox() {
  await stream.idle();
  for (let round = 0; round < 8; round++) {
    clock = new Date(clock.getTime() + 3_600_000);
    // A sweep that fails outright is simply run again by the next schedule.
    const result = await sweepOutbox(deps).catch(() => ({ done: 1, failed: 0 }));
    // What the sweep's runs wrote goes down the stream too (a commit spawns its effects).
    await stream.idle();
    if (result.done === 0 && result.failed === 0) return;
  }
}

/** One whole case life; returns what the invariants need. */
async function caseLife() {
  const input = validCase();
  const email = (input.contact as { email: string }).email;
  const key = `faults-${crypto.randomUUID()}`;
  const submitted = await withRetries(() => submitCase(deps, { payload: input, lang: 'it', authorization, idempotencyKey: key }));
  await drainOutbox();
  const caseId = submitted.id;
  await withRetries(() => requestReview(deps, { caseId, round: 1, attempt: 0, taskToken: `token-${caseId}` }));
  await drainOutbox();
  const link = mails.find((m) => m.to.includes(deps.reviewers[0]!.email) && m.subject.includes(submitted.reference))?.text.match(/\/review\/([A-Za-z0-9_-]+)/)?.[1];
  expect(link, 'the first reviewer got a link').toBeDefined();
  const outcome = await withRetries(() => decide(deps, link!, { decision: 'approve', comment: 'Ok' }, 'it'));
  expect(['recorded', 'decided']).toContain(outcome.state);
  await drainOutbox();
  await withRetries(() => recordOutcome(deps, { caseId, round: 1, outcome: 'approved' }));
  await withRetries(() => notifySubmitter(deps, { caseId, round: 1, outcome: 'approved' }));
  await drainOutbox();
  return { caseId, email, reference: submitted.reference, key, input };
}

async function assertInvariants(life: Awaited<ReturnType<typeof caseLife>>, label: string) {
  const record = await deps.cases.get(life.caseId);
  expect(record?.status, `${label}: the accepted case is stored and approved`).toBe('approved');
  const again = await submitCase(deps, { payload: life.input, lang: 'it', authorization, idempotencyKey: life.key });
  expect(again.id, `${label}: the key still names the one case`).toBe(life.caseId);
  expect(started.filter((id) => id === life.caseId), `${label}: one workflow start recorded`).toHaveLength(1);
  const decisions = await deps.reviews.decisions(life.caseId);
  expect(decisions, `${label}: one decision`).toHaveLength(1);
  expect(delivered.filter((d) => d.token === `token-${life.caseId}`), `${label}: one task success`).toHaveLength(1);
  // Mails go out at least once; a second copy is allowed only when the write that marks the mail sent is the one that failed.
  const allowed = faultedCommand.endsWith('(outbox done)') ? 2 : 1;
  const count = (to: string, subject: RegExp) => mails.filter((m) => m.to.includes(to) && subject.test(m.subject) && m.subject.includes(life.reference)).length;
  const receipt = count(life.email, /ricevuto/);
  const outcome = count(life.email, /approvato/);
  expect(receipt, `${label}: receipt`).toBeGreaterThanOrEqual(1);
  expect(receipt, `${label}: receipt`).toBeLessThanOrEqual(allowed);
  expect(outcome, `${label}: outcome mail`).toBeGreaterThanOrEqual(1);
  expect(outcome, `${label}: outcome mail`).toBeLessThanOrEqual(allowed);
  for (const reviewer of deps.reviewers) {
    const reviewMails = count(reviewer.email, /da revisionare/);
    expect(reviewMails, `${label}: review mails to ${reviewer.email}`).toBeGreaterThanOrEqual(1);
    expect(reviewMails, `${label}: review mails to ${reviewer.email}`).toBeLessThanOrEqual(allowed);
  }
}

describe('a case life with one fault injected at every external call', () => {
  it('loses nothing, decides once and sends no mail twice beyond the retry policy', async () => {
    fault = undefined;
    calls = 0;
    await assertInvariants(await caseLife(), 'no fault');
    const total = calls;
    expect(total).toBeGreaterThan(30);

    let faults = 0;
    for (const kind of ['dynamodb-throttle', 'dynamodb-error', 'ses', 'sfn'] as const) {
      for (let at = 1; at <= total; at++) {
        calls = 0;
        faultedCommand = '';
        fault = { kind, at };
        const life = await caseLife();
        fault = undefined;
        if (faultedCommand) faults += 1;
        await assertInvariants(life, `${kind} at call ${at} (${faultedCommand || 'not reached'})`);
      }
    }
    console.log(`faults: ${total} external calls per case life; ${faults} single faults injected, every invariant held`);
    expect(faults).toBeGreaterThan(total);
    // About 300 case lives: 299 s on a busy 2-core machine, where a
    // 300 s limit made the outcome depend on the machine's speed. The limit only guards a hang.
  }, 900_000);
});
