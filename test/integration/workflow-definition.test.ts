import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATES, TASK_RETRY } from '../../infra/constructs/review-workflow';
import { loadWorkflowDefinition, taskStatesOf, type WorkflowDefinition } from '../../infra/local/workflow/definition';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/workflow/engine';
import { FUNCTIONS, type FunctionName } from '../../infra/routes';

/**
 * The case-review definition exactly as CDK synthesizes it for the `local` stage (short windows),
 * run by the embedded engine with fake task functions and answered through the real SDK client.
 */

/**
 * Windows far longer than any test takes, so that an answer never races its task's timeout
 * however slow the machine; the expiry paths run on a second engine with 1-second windows,
 * where nothing is answered until the execution has ended.
 */
const REVIEW = { windowSeconds: 600, reminders: 2, amendWindowSeconds: 600 };
const SHORT = { windowSeconds: 1, reminders: 2, amendWindowSeconds: 1 };

/** The only keys a task may ever receive: ids and counters, never personal data. */
const ALLOWED_PAYLOAD_KEYS = new Set(['caseId', 'round', 'attempt', 'escalation', 'taskToken', 'outcome', 'error']);

interface Call {
  fn: FunctionName;
  payload: Record<string, unknown>;
}

class RecordFailed extends Error {
  override name = 'RecordFailed';
}

const calls: Call[] = [];
/** Cases whose record-outcome fails for every outcome but 'failed'. */
const recordFails = new Set<string>();
/** Cases whose request-review invocation itself fails. */
const requestReviewFails = new Set<string>();
/** Cases whose record-outcome fails the first time only, as a table briefly unavailable would. */
const recordFailsOnce = new Set<string>();
/** Attempts of a task that keeps failing: the first, then every retry. */
const ATTEMPTS = 1 + TASK_RETRY.failure.maxAttempts;

async function fakeInvoke(fn: FunctionName, payload: unknown): Promise<unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error(`payload of ${fn} is not an object`);
  const record = { ...payload } as Record<string, unknown>;
  calls.push({ fn, payload: record });
  const caseId = String(record.caseId);
  if (fn === 'record-outcome' && recordFails.has(caseId) && record.outcome !== 'failed') throw new RecordFailed('the table is unavailable');
  if (fn === 'record-outcome' && recordFailsOnce.delete(caseId)) throw new RecordFailed('the table is briefly unavailable');
  if (fn === 'request-review' && requestReviewFails.has(caseId)) throw new TypeError('reviewers not configured');
  return { ok: true };
}

let workflow: WorkflowDefinition;
let sfn: LocalStepFunctions;
let client: SFNClient;
let short: LocalStepFunctions;
let shortClient: SFNClient;
let loadMs = 0;

beforeAll(async () => {
  const started = performance.now();
  workflow = await loadWorkflowDefinition(REVIEW);
  loadMs = performance.now() - started;
  sfn = await startLocalStepFunctions({ ...withQuickRetries(workflow), invoke: fakeInvoke });
  client = new SFNClient({ endpoint: sfn.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  short = await startLocalStepFunctions({ ...(await loadWorkflowDefinition(SHORT)), invoke: fakeInvoke, stateMachineName: 'case-review-short' });
  shortClient = new SFNClient({ endpoint: short.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  shortClient?.destroy();
  await Promise.all([sfn?.close(), short?.close()]);
});

/**
 * The same definition with every retry at most 50 ms apart, so that retries are run as written
 * (which errors, how many times) without the minutes of back-off they wait on AWS.
 */
function withQuickRetries(source: WorkflowDefinition): WorkflowDefinition {
  const definition = structuredClone(source.definition);
  for (const state of Object.values(definition.States)) {
    if (state.Type !== 'Task' || !state.Retry) continue;
    state.Retry = state.Retry.map((rule) => ({ ...rule, IntervalSeconds: 0.05, MaxDelaySeconds: 0.05 }));
  }
  return { ...source, definition };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const callsOf = (caseId: string, fn?: FunctionName) => calls.filter((c) => c.payload.caseId === caseId && (!fn || c.fn === fn));

/** The token of the `nth` (1-based) invocation of `fn` for the case, once it has happened. */
const tokenOf = (caseId: string, fn: 'request-review' | 'request-changes', nth = 1) =>
  until(`${fn} #${nth} of ${caseId}`, () => {
    const token = callsOf(caseId, fn)[nth - 1]?.payload.taskToken;
    return typeof token === 'string' ? token : undefined;
  });

async function start(caseId: string, on: { sfn: LocalStepFunctions; client: SFNClient } = { sfn, client }): Promise<string> {
  const { executionArn } = await on.client.send(
    new StartExecutionCommand({ stateMachineArn: on.sfn.stateMachineArn, name: `case-${caseId}`, input: JSON.stringify({ caseId }) }),
  );
  return executionArn!;
}

const answer = (taskToken: string, output: unknown, via = client) => via.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));

const finished = (executionArn: string, via = client) =>
  until<DescribeExecutionCommandOutput>(`the end of ${executionArn}`, async () => {
    const described = await via.send(new DescribeExecutionCommand({ executionArn }));
    return described.status === 'RUNNING' ? undefined : described;
  });

/** The states the execution entered, in order, read through GetExecutionHistory. */
async function visited(executionArn: string, via = client): Promise<string[]> {
  const { events = [] } = await via.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
}

const { init, requestReview, checkReminders, remind, decision, recordApproval, notifyApproval, approved } = STATES;

describe('loadWorkflowDefinition', () => {
  it('synthesizes the local stage with the review timings overridden', () => {
    const states = workflow.definition.States;
    const timeout = (name: string) => {
      const state = states[name];
      return state?.Type === 'Task' ? state.TimeoutSeconds : undefined;
    };
    expect(timeout(STATES.requestReview)).toBe(REVIEW.windowSeconds);
    expect(timeout(STATES.requestChanges)).toBe(REVIEW.amendWindowSeconds);
    // Without a window of its own, the escalation gets the review window.
    expect(timeout(STATES.escalate)).toBe(REVIEW.windowSeconds);
    expect(states[STATES.checkReminders]).toMatchObject({ Choices: [{ Variable: '$.attempt', NumericLessThan: REVIEW.reminders }] });
    expect(JSON.stringify(workflow.definition)).not.toMatch(/Fn::|"Ref"/);
    console.info(`loadWorkflowDefinition took ${Math.round(loadMs)} ms`);
  });

  it('maps every Task state to the workflow task function it invokes', () => {
    const taskNames = taskStatesOf(workflow.definition.States).map(([name]) => name);
    expect(Object.keys(workflow.taskFunctions).sort()).toEqual(taskNames.sort());
    expect(workflow.taskFunctions).toEqual({
      [STATES.requestReview]: 'request-review',
      [STATES.escalate]: 'request-review',
      [STATES.requestChanges]: 'request-changes',
      [STATES.recordApproval]: 'record-outcome',
      [STATES.recordRejection]: 'record-outcome',
      [STATES.expire]: 'record-outcome',
      [STATES.markFailed]: 'record-outcome',
      [STATES.notifyApproval]: 'notify-submitter',
      [STATES.notifyRejection]: 'notify-submitter',
      [STATES.notifyExpiry]: 'notify-submitter',
      [STATES.notifyFailure]: 'notify-submitter',
    });
    for (const fn of Object.values(workflow.taskFunctions)) expect(FUNCTIONS[fn]).toMatchObject({ workflowTask: true });
  });
});

describe('the case-review state machine', () => {
  it.concurrent('approve: records and notifies the approval', async ({ expect }) => {
    const arn = await start('approve');
    await answer(await tokenOf('approve', 'request-review'), { decision: 'approve' });
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn)).toEqual([init, requestReview, decision, recordApproval, notifyApproval, approved]);
    expect(callsOf('approve').map((c) => [c.fn, c.payload.outcome])).toEqual([
      ['request-review', undefined],
      ['record-outcome', 'approved'],
      ['notify-submitter', 'approved'],
    ]);
    // The same history through the engine's own accessor.
    const local = sfn.history(arn).flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
    expect(local).toEqual(await visited(arn));
  });

  it.concurrent('reject: records and notifies the rejection', async ({ expect }) => {
    const arn = await start('reject');
    await answer(await tokenOf('reject', 'request-review'), { decision: 'reject' });
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn)).toEqual([init, requestReview, decision, STATES.recordRejection, STATES.notifyRejection, STATES.rejected]);
    expect(callsOf('reject', 'record-outcome').map((c) => c.payload.outcome)).toEqual(['rejected']);
  });

  it.concurrent('changes: the submitter amends, round 2 is reviewed and approved', async ({ expect }) => {
    const arn = await start('changes');
    await answer(await tokenOf('changes', 'request-review'), { decision: 'changes' });
    await answer(await tokenOf('changes', 'request-changes'), { amended: true });
    await answer(await tokenOf('changes', 'request-review', 2), { decision: 'approve' });
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn)).toEqual([
      init, requestReview, decision, STATES.requestChanges, STATES.nextRound, requestReview, decision, recordApproval, notifyApproval, approved,
    ]);
    expect(callsOf('changes', 'request-review').map((c) => [c.payload.round, c.payload.attempt])).toEqual([[1, 0], [2, 0]]);
    expect(callsOf('changes', 'request-changes').map((c) => c.payload.round)).toEqual([1]);
    expect(callsOf('changes', 'record-outcome')).toEqual([{ fn: 'record-outcome', payload: { caseId: 'changes', round: 2, outcome: 'approved' } }]);
  });

  it.concurrent('no decision: reminds after each window, escalates to the coordinators, then expires', async ({ expect }) => {
    const arn = await start('silent', { sfn: short, client: shortClient });
    const firstToken = await tokenOf('silent', 'request-review');
    expect(await finished(arn, shortClient)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn, shortClient)).toEqual([
      init, requestReview, checkReminders, remind, requestReview, checkReminders, remind, requestReview, checkReminders,
      STATES.escalate, STATES.expire, STATES.notifyExpiry, STATES.expired,
    ]);
    // The escalation is the attempt after the last reminder, flagged for the coordinators.
    expect(callsOf('silent', 'request-review').map((c) => [c.payload.attempt, c.payload.escalation])).toEqual([
      [0, undefined], [1, undefined], [2, undefined], [3, true],
    ]);
    expect(callsOf('silent', 'record-outcome').map((c) => c.payload.outcome)).toEqual(['expired']);
    // A decision after the window has closed finds no task, like a late click on an old link.
    await expect(answer(firstToken, { decision: 'approve' }, shortClient)).rejects.toBeInstanceOf(TaskDoesNotExist);
    const { events = [] } = await shortClient.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.filter((e) => e.type === 'TaskTimedOut')).toHaveLength(SHORT.reminders + 2);
  });

  it.concurrent('escalated: a coordinator decides before the case expires, and the decision is recorded as any other', async ({ expect }) => {
    // Where an execution is once the last reminder ran out (resumed there, so that no window races the test).
    const { executionArn: arn } = sfn.resume('case-escalated', STATES.escalate, { caseId: 'escalated', round: 1, attempt: 2 });
    const token = await tokenOf('escalated', 'request-review');
    expect(callsOf('escalated', 'request-review')[0]!.payload).toMatchObject({ round: 1, attempt: 3, escalation: true });
    await answer(token, { decision: 'reject' });
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn)).toEqual([STATES.escalate, decision, STATES.recordRejection, STATES.notifyRejection, STATES.rejected]);
    expect(callsOf('escalated', 'record-outcome').map((c) => c.payload)).toEqual([{ caseId: 'escalated', round: 1, outcome: 'rejected' }]);
  });

  it.concurrent('escalated, then sent back for changes: the next round goes to the reviewers again', async ({ expect }) => {
    const { executionArn: arn } = sfn.resume('case-escalated-changes', STATES.escalate, { caseId: 'escalated-changes', round: 1, attempt: 0 });
    await answer(await tokenOf('escalated-changes', 'request-review'), { decision: 'changes' });
    await answer(await tokenOf('escalated-changes', 'request-changes'), {});
    await answer(await tokenOf('escalated-changes', 'request-review', 2), { decision: 'approve' });
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(callsOf('escalated-changes', 'request-review').map((c) => [c.payload.round, c.payload.attempt, c.payload.escalation])).toEqual([
      [1, 1, true],
      [2, 0, undefined],
    ]);
  });

  it.concurrent('changes, then no amendment within the window: expires', async ({ expect }) => {
    // Waiting for the amendment from the start, as after a decision for changes: nothing races the 1-second window.
    const { executionArn: arn } = short.resume('case-no-amend', STATES.requestChanges, { caseId: 'no-amend', round: 1, attempt: 0 });
    const amendToken = await tokenOf('no-amend', 'request-changes');
    expect(await finished(arn, shortClient)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn, shortClient)).toEqual([STATES.requestChanges, STATES.expire, STATES.notifyExpiry, STATES.expired]);
    await expect(answer(amendToken, {}, shortClient)).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it.concurrent('a task that fails once: retried, and the case is approved', async ({ expect }) => {
    recordFailsOnce.add('flaky');
    const arn = await start('flaky');
    await answer(await tokenOf('flaky', 'request-review'), { decision: 'approve' });
    expect(await finished(arn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(arn)).toEqual([init, requestReview, decision, recordApproval, notifyApproval, approved]);
    expect(callsOf('flaky', 'record-outcome').map((c) => c.payload.outcome)).toEqual(['approved', 'approved']);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error)).toEqual(['RecordFailed']);
  });

  it.concurrent('a task that keeps failing: retried, then the case is marked failed and the execution fails', async ({ expect }) => {
    recordFails.add('broken');
    const arn = await start('broken');
    await answer(await tokenOf('broken', 'request-review'), { decision: 'approve' });
    expect(await finished(arn)).toMatchObject({ status: 'FAILED', error: 'CaseReviewFailed' });
    expect(await visited(arn)).toEqual([init, requestReview, decision, recordApproval, STATES.markFailed, STATES.notifyFailure, STATES.failed]);
    expect(callsOf('broken', 'record-outcome').map((c) => c.payload)).toEqual([
      ...Array.from({ length: ATTEMPTS }, () => ({ caseId: 'broken', round: 1, outcome: 'approved' })),
      { caseId: 'broken', round: 1, outcome: 'failed', error: 'RecordFailed' },
    ]);
    const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error)).toEqual(Array(ATTEMPTS).fill('RecordFailed'));
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'CaseReviewFailed' } });
  });

  it.concurrent('SendTaskFailure on every review: retried with a new token each time, then the Catch sees its error name', async ({ expect }) => {
    const arn = await start('task-failure');
    const tokens: string[] = [];
    for (let nth = 1; nth <= ATTEMPTS; nth++) {
      const token = await tokenOf('task-failure', 'request-review', nth);
      tokens.push(token);
      await client.send(new SendTaskFailureCommand({ taskToken: token, error: 'ReviewBroken', cause: 'the review record is corrupt' }));
    }
    expect(new Set(tokens).size).toBe(ATTEMPTS);
    expect(await finished(arn)).toMatchObject({ status: 'FAILED', error: 'CaseReviewFailed' });
    expect(await visited(arn)).toEqual([init, requestReview, STATES.markFailed, STATES.notifyFailure, STATES.failed]);
    expect(callsOf('task-failure', 'request-review').map((c) => [c.payload.round, c.payload.attempt])).toEqual(Array(ATTEMPTS).fill([1, 0]));
    expect(callsOf('task-failure', 'record-outcome').map((c) => c.payload.error)).toEqual(['ReviewBroken']);
    await expect(answer(tokens[0]!, { decision: 'approve' })).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it.concurrent('request-review itself keeps throwing: retried, then the case is marked failed with its error type', async ({ expect }) => {
    requestReviewFails.add('no-reviewers');
    const arn = await start('no-reviewers');
    expect(await finished(arn)).toMatchObject({ status: 'FAILED' });
    expect(await visited(arn)).toEqual([init, requestReview, STATES.markFailed, STATES.notifyFailure, STATES.failed]);
    expect(callsOf('no-reviewers', 'request-review')).toHaveLength(ATTEMPTS);
    expect(callsOf('no-reviewers', 'record-outcome').map((c) => c.payload.error)).toEqual(['TypeError']);
  });

  it.concurrent('resume: a case waiting for reviewers gets its workflow back after a restart', async ({ expect }) => {
    const { executionArn } = sfn.resume('case-resumed', STATES.requestReview, { caseId: 'resumed', round: 2, attempt: 1 });
    expect(executionArn).toBe(sfn.stateMachineArn.replace(':stateMachine:', ':execution:') + ':case-resumed');
    const token = await tokenOf('resumed', 'request-review');
    expect(callsOf('resumed', 'request-review')[0]!.payload).toMatchObject({ round: 2, attempt: 1 });
    // The resumed execution holds the case's name: a retried start cannot begin a second workflow.
    await expect(start('resumed')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(() => sfn.resume('case-resumed', STATES.requestReview, { caseId: 'resumed', round: 2, attempt: 1 })).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    await answer(token, { decision: 'approve' });
    expect(await finished(executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(executionArn)).toEqual([requestReview, decision, recordApproval, notifyApproval, approved]);
    expect(callsOf('resumed', 'record-outcome').map((c) => c.payload)).toEqual([{ caseId: 'resumed', round: 2, outcome: 'approved' }]);
  });

  it.concurrent('resume into RequestChanges: the amendment continues with the next round', async ({ expect }) => {
    const { executionArn } = sfn.resume('case-resumed-amend', STATES.requestChanges, { caseId: 'resumed-amend', round: 1, attempt: 0 });
    await answer(await tokenOf('resumed-amend', 'request-changes'), {});
    await answer(await tokenOf('resumed-amend', 'request-review'), { decision: 'reject' });
    expect(await finished(executionArn)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await visited(executionArn)).toEqual([
      STATES.requestChanges, STATES.nextRound, requestReview, decision, STATES.recordRejection, STATES.notifyRejection, STATES.rejected,
    ]);
    expect(callsOf('resumed-amend', 'request-review').map((c) => c.payload.round)).toEqual([2]);
  });

  it.concurrent('the same execution name twice: ExecutionAlreadyExists through the SDK', async ({ expect }) => {
    const arn = await start('twice');
    // AWS treats the same name and input while the first still runs as the same request.
    expect(await start('twice')).toBe(arn);
    const other = client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn, name: 'case-twice', input: '{"caseId":"other"}' }));
    await expect(other).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await answer(await tokenOf('twice', 'request-review'), { decision: 'reject' });
    await finished(arn);
    // Once closed, the name stays taken whatever the input.
    await expect(start('twice')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(start('twice')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });
  });

  it('SendTaskSuccess with a token never issued: TaskDoesNotExist through the SDK', async () => {
    const error = await answer('not-a-token-this-engine-minted', { decision: 'approve' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskDoesNotExist);
    expect(error).toMatchObject({ name: 'TaskDoesNotExist', $fault: 'client' });
  });

  it('tasks only ever receive ids and counters', () => {
    expect(calls.length).toBeGreaterThan(20);
    for (const { fn, payload } of calls) {
      const extra = Object.keys(payload).filter((key) => !ALLOWED_PAYLOAD_KEYS.has(key));
      expect(extra, `${fn} received ${JSON.stringify(payload)}`).toEqual([]);
      expect(typeof payload.caseId).toBe('string');
      expect(Number.isInteger(payload.round)).toBe(true);
    }
    // Tokens are unguessable and never reused.
    const tokens = calls.flatMap((c) => (typeof c.payload.taskToken === 'string' ? [c.payload.taskToken] : []));
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) expect(token.length).toBeGreaterThanOrEqual(64);
  });
});
