import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { WorkflowPort } from '../../app/effects';
import { localCredentials } from '../dynamodb/clients';

/** The execution name of a case's review: deterministic, so a retried start can never start a second one. */
export const executionName = (caseId: string) => `case-${caseId}`;

/** The case-review state machine through the Step Functions API. */
export function createWorkflowPort(stateMachineArn: string | undefined, endpoint?: string): WorkflowPort {
  let created: SFNClient | undefined;
  // Built on first use: most invocations of most functions never talk to Step Functions.
  const client = () =>
    (created ??= new SFNClient({
      ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'eu-south-1', credentials: localCredentials } : {}),
      maxAttempts: 4,
    }));
  return {
    async start(caseId) {
      if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not configured');
      try {
        await client().send(
          new StartExecutionCommand({ stateMachineArn, name: executionName(caseId), input: JSON.stringify({ caseId }) }),
        );
      } catch (error) {
        // Already started by an earlier attempt: that is the outcome we wanted.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    },
    async succeed(taskToken, output) {
      try {
        await client().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return 'done';
      } catch (error) {
        if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return 'gone';
        throw error;
      }
    },
  };
}
