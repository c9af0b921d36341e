import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  InvalidOutput,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStepFunctions, type LocalStepFunctions } from '../../infra/local/workflow/engine';
import type { FunctionName } from '../../infra/routes';
import { waitFor } from '../support/wait';

/**
 * The embedded engine's protocol and integrations on a small hand-written definition: the three
 * ways a Task invokes Lambda, pagination, StopExecution and close().
 */

const fn = (name: string) => `arn:aws:lambda:eu-south-1:000000000000:function:${name}`;

const definition: StateMachineDefinition = {
  StartAt: 'Invoke',
  States: {
    Invoke: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn('Invoke'), 'Payload.$': '$' },
      ResultPath: '$.invoked',
      Next: 'Plain',
    },
    Plain: { Type: 'Task', Resource: fn('Plain'), Parameters: { 'x.$': '$.x' }, ResultPath: '$.plain', Next: 'Wait' },
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn('Wait'), Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name' } },
      TimeoutSeconds: 30,
      ResultPath: '$.answer',
      End: true,
    },
  },
};
const taskFunctions: Record<string, FunctionName> = { Invoke: 'record-outcome', Plain: 'notify-submitter', Wait: 'request-review' };

const received: { fn: FunctionName; payload: unknown }[] = [];
const tokens = new Map<string, string>();

async function invoke(name: FunctionName, payload: unknown): Promise<unknown> {
  received.push({ fn: name, payload });
  if (name === 'record-outcome') return { echo: payload };
  if (name === 'notify-submitter') return 'plain';
  const { token, execution } = payload as { token: string; execution: string };
  tokens.set(execution, token);
  return undefined;
}

let sfn: LocalStepFunctions;
let client: SFNClient;

beforeAll(async () => {
  sfn = await startLocalStepFunctions({ definition, taskFunctions, invoke, stateMachineName: 'engine-test' });
  client = new SFNClient({ endpoint: sfn.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  await sfn?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a wait for the engine may last before the test fails: far more than a busy machine needs. */
const PATIENCE_MS = 15_000;

async function tokenFor(name: string): Promise<string> {
  return waitFor(`the token of ${name}`, () => tokens.get(name), PATIENCE_MS);
}

async function settled(executionArn: string) {
  return waitFor(`${executionArn} settled`, async () => {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    return described.status !== 'RUNNING' && described;
  }, PATIENCE_MS);
}

const startNamed = (name: string, input: unknown) =>
  client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn, name, input: JSON.stringify(input) }));

describe('the embedded Step Functions engine', () => {
  it('installs Promise.withResolvers where Node lacks it', () => {
    expect(typeof (Promise as PromiseConstructor & { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('wraps lambda:invoke results, passes plain Lambda results through, and resumes on SendTaskSuccess', async () => {
    const { executionArn, startDate } = await startNamed('full', { x: 1 });
    expect(startDate).toBeInstanceOf(Date);
    const token = await tokenFor('full');
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
    const described = await settled(executionArn!);
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'full', input: '{"x":1}' });
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.output!)).toEqual({
      x: 1,
      invoked: { ExecutedVersion: '$LATEST', Payload: { echo: { x: 1 } }, StatusCode: 200 },
      plain: 'plain',
      answer: { ok: true },
    });
    expect(received.filter((r) => r.fn === 'notify-submitter').map((r) => r.payload)).toEqual([{ x: 1 }]);
  });

  it('pages the history like GetExecutionHistory does, in either order', async () => {
    const { executionArn } = await startNamed('paged', { x: 2 });
    await client.send(new SendTaskSuccessCommand({ taskToken: await tokenFor('paged'), output: '{}' }));
    await settled(executionArn!);
    const all: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3, nextToken }));
      expect(page.events!.length).toBeLessThanOrEqual(3);
      all.push(...page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all).toEqual(sfn.history(executionArn!));
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));
    expect(all[0]).toMatchObject({ type: 'ExecutionStarted', executionStartedEventDetails: { input: '{"x":2}' } });
    expect(all.map((e) => e.type)).toEqual(
      expect.arrayContaining(['TaskStateEntered', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']),
    );
    const reversed = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(reversed.events?.[0]?.timestamp).toBeInstanceOf(Date);
  });

  it('refuses output that is not JSON, and a state machine it does not run', async () => {
    const { executionArn } = await startNamed('bad-output', { x: 3 });
    const token = await tokenFor('bad-output');
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' }))).rejects.toBeInstanceOf(InvalidOutput);
    // The token is still good after a refused answer.
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    expect(await settled(executionArn!)).toMatchObject({ status: 'SUCCEEDED' });
    const elsewhere = client.send(new StartExecutionCommand({ stateMachineArn: `${sfn.stateMachineArn}-other`, name: 'x' }));
    await expect(elsewhere).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('StopExecution aborts a waiting execution and voids its token', async () => {
    const { executionArn } = await startNamed('stopped', { x: 4 });
    const token = await tokenFor('stopped');
    await client.send(new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause: 'the partner withdrew the case' }));
    expect(await settled(executionArn!)).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
    expect(sfn.history(executionArn!).at(-1)).toMatchObject({ type: 'ExecutionAborted' });
  });

  it('answers an unknown operation with an AWS JSON error', async () => {
    const response = await fetch(sfn.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'com.amazonaws.states#UnknownOperationException' });
  });

  it('keeps a task waiting when its timeout is longer than a Node timer can hold (30 days)', async () => {
    const long = structuredClone(definition);
    const wait = long.States.Wait;
    if (wait?.Type !== 'Task') throw new Error('Wait is a Task');
    wait.TimeoutSeconds = 30 * 24 * 3600;
    const engine = await startLocalStepFunctions({ definition: long, taskFunctions, invoke, stateMachineName: 'long' });
    try {
      const { executionArn } = engine.resume('long-wait', 'Wait', {});
      const token = await tokenFor('long-wait');
      await sleep(100);
      expect(engine.history(executionArn).map((e) => e.type)).not.toContain('TaskTimedOut');
      const longClient = new SFNClient({ endpoint: engine.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
      await longClient.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
      longClient.destroy();
      await expect.poll(() => engine.history(executionArn).at(-1)?.type, { timeout: PATIENCE_MS }).toBe('ExecutionSucceeded');
    } finally {
      await engine.close();
    }
  });

  describe('resuming a wait after a restart', () => {
    // The Wait state as the case-review waits are built: a Retry on States.TaskFailed (which must
    // not retry a timeout) and a Catch of States.Timeout towards the next step.
    const resumable = structuredClone(definition);
    const wait = resumable.States.Wait;
    if (wait?.Type !== 'Task') throw new Error('Wait is a Task');
    Object.assign(wait, {
      TimeoutSeconds: 30,
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' }],
      Next: 'Answered',
    });
    delete (wait as { End?: boolean }).End;
    resumable.States.Answered = { Type: 'Succeed' };
    resumable.States.TimedOut = { Type: 'Pass', Result: 'timed out', ResultPath: '$.outcome', End: true };
    const names = (events: HistoryEvent[]) => events.map((event) => event.stateEnteredEventDetails?.name ?? event.type);

    it('times out at once, without invoking the task again, when the deadline passed while stopped', async () => {
      const calls: string[] = [];
      const engine = await startLocalStepFunctions({ definition: resumable, taskFunctions, invoke: async (name, payload) => (calls.push(name), invoke(name, payload)), stateMachineName: 'resumed-late' });
      try {
        const { executionArn } = engine.resume('late', 'Wait', {}, new Date(Date.now() - 1_000));
        await expect.poll(() => engine.history(executionArn).at(-1)?.type, { timeout: PATIENCE_MS }).toBe('ExecutionSucceeded');
        const events = engine.history(executionArn);
        const visited = names(events);
        expect(visited.filter((name) => name === 'Wait')).toHaveLength(1);
        expect(visited.indexOf('TaskTimedOut')).toBeGreaterThan(visited.indexOf('Wait'));
        expect(visited.indexOf('TimedOut')).toBeGreaterThan(visited.indexOf('TaskTimedOut'));
        expect(visited).not.toContain('TaskFailed');
        expect(calls).toEqual([]);
      } finally {
        await engine.close();
      }
    });

    it('waits until the old deadline, not a full timeout, and voids the token then', async () => {
      const engine = await startLocalStepFunctions({ definition: resumable, taskFunctions, invoke, stateMachineName: 'resumed-early' });
      try {
        const started = Date.now();
        const { executionArn } = engine.resume('early', 'Wait', {}, new Date(started + 1_500));
        const token = await tokenFor('early');
        await expect.poll(() => engine.history(executionArn).at(-1)?.type, { timeout: PATIENCE_MS }).toBe('ExecutionSucceeded');
        // At the deadline (the full timeout would be 30 s), and not retried as a task failure.
        expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(names(engine.history(executionArn)).filter((name) => name === 'Wait')).toHaveLength(1);
        expect(names(engine.history(executionArn))).toContain('TimedOut');
        const lateClient = new SFNClient({ endpoint: engine.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
        await expect(lateClient.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
        lateClient.destroy();
      } finally {
        await engine.close();
      }
    });

    it('lets an answer before the old deadline through', async () => {
      const engine = await startLocalStepFunctions({ definition: resumable, taskFunctions, invoke, stateMachineName: 'resumed-answered' });
      try {
        const { executionArn } = engine.resume('answered', 'Wait', {}, new Date(Date.now() + 20_000));
        const token = await tokenFor('answered');
        const answerClient = new SFNClient({ endpoint: engine.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
        await answerClient.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));
        answerClient.destroy();
        await expect.poll(() => engine.history(executionArn).at(-1)?.type, { timeout: PATIENCE_MS }).toBe('ExecutionSucceeded');
        expect(names(engine.history(executionArn))).toContain('Answered');
      } finally {
        await engine.close();
      }
    });
  });

  it('refuses a definition with a Task it cannot run', async () => {
    await expect(startLocalStepFunctions({ definition, taskFunctions: { Invoke: 'record-outcome' }, invoke })).rejects.toThrow(/"Plain" has no function/);
  });

  it('close() aborts waiting executions promptly and invokes nothing more', async () => {
    const calls: string[] = [];
    const engine = await startLocalStepFunctions({
      definition,
      taskFunctions,
      invoke: async (name, payload) => {
        calls.push(name);
        return invoke(name, payload);
      },
    });
    const { executionArn } = engine.resume('closing', 'Wait', {});
    await tokenFor('closing');
    const started = Date.now();
    await engine.close();
    // Promptly: well before the waiting task's own timeout (30 s), which a close that waited would reach.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(engine.history(executionArn).at(-1)).toMatchObject({ type: 'ExecutionAborted' });
    await sleep(50);
    expect(calls).toEqual(['request-review']);
    await expect(fetch(engine.endpoint, { method: 'POST' })).rejects.toThrow();
  });
});
