import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflowPort, executionName } from '../../shared/adapters/sfn/workflow-port';
import { workflowTask } from '../../shared/workflow-task';

const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:eu-south-1:123456789012:stateMachine:CaseReview';
const meta = { $metadata: {} };
/** Step Functions throttles with a plain service exception named ThrottlingException. */
const throttling = () => new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta });

afterEach(() => sfn.reset());

describe('starting the review of a case', () => {
  it('names the execution after the case and passes only its id', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    await createWorkflowPort(ARN).start('01KJPF0N2R3Z8W6Y4T1V5X7Q9B');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: executionName('01KJPF0N2R3Z8W6Y4T1V5X7Q9B'),
      input: '{"caseId":"01KJPF0N2R3Z8W6Y4T1V5X7Q9B"}',
    });
  });

  it('treats an execution that already exists as started, so a retry never starts a second one', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', ...meta }));
    await expect(createWorkflowPort(ARN).start('01KJPF0N2R3Z8W6Y4T1V5X7Q9B')).resolves.toBeUndefined();
  });

  it('lets throttling and service errors through, for the outbox to retry', async () => {
    sfn.on(StartExecutionCommand).rejects(throttling());
    await expect(createWorkflowPort(ARN).start('01KJPF0N2R3Z8W6Y4T1V5X7Q9B')).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('refuses to start without a configured state machine', async () => {
    await expect(createWorkflowPort(undefined).start('01KJPF0N2R3Z8W6Y4T1V5X7Q9B')).rejects.toThrow(/STATE_MACHINE_ARN/);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('completing a waiting task', () => {
  it('sends the output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    expect(await createWorkflowPort(ARN).succeed('token', { decision: 'approve', round: 1 })).toBe('done');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({ taskToken: 'token', output: '{"decision":"approve","round":1}' });
  });

  it.each([
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'gone', ...meta })],
    ['TaskTimedOut', new TaskTimedOut({ message: 'late', ...meta })],
    ['InvalidToken', new InvalidToken({ message: 'bad', ...meta })],
  ])('reports %s as a workflow that no longer waits', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    expect(await createWorkflowPort(ARN).succeed('token', {})).toBe('gone');
  });

  it('lets throttling through, for the outbox to retry', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(throttling());
    await expect(createWorkflowPort(ARN).succeed('token', {})).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('a workflow task handler', () => {
  const handler = workflowTask(
    'test-task',
    async () => {
      throw new Error('must not run');
    },
    () => {
      throw new Error('must not build its dependencies');
    },
  );

  it.each([
    ['personal data in the payload', { caseId: '01KJPF0N2R3Z8W6Y4T1V5X7Q9B', round: 1, email: 'someone@example.org' }],
    ['a malformed case id', { caseId: '../x', round: 1 }],
    ['a round of zero', { caseId: '01KJPF0N2R3Z8W6Y4T1V5X7Q9B', round: 0 }],
    ['an unknown outcome', { caseId: '01KJPF0N2R3Z8W6Y4T1V5X7Q9B', round: 1, outcome: 'maybe' }],
  ])('refuses %s before doing anything', async (_what, payload) => {
    await expect(handler(payload)).rejects.toThrow();
  });
});
