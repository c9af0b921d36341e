import { randomUUID } from 'node:crypto';
import type { Executions } from './executions';
import { isJson, SfnApiError } from './json';
import type { TaskTokens } from './task-tokens';

/** The parameters of a request: its JSON body. */
export type Params = Record<string, unknown>;
/** One action of the Step Functions API: its result, or an {@link SfnApiError}. */
export type Operation = (params: Params) => object;

const MAX_INPUT_BYTES = 256 * 1024;
/** Characters AWS refuses in execution names. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export interface SfnOperationsOptions {
  stateMachineArn: string;
  /** Where StartExecution starts: the definition's StartAt. */
  startAt: string;
  executions: Executions;
  tokens: TaskTokens;
}

/** The actions the functions call, one handler each, with the checks and errors of AWS. */
export function sfnOperations({ stateMachineArn, startAt, executions, tokens }: SfnOperationsOptions): Record<string, Operation> {
  return {
    StartExecution(params) {
      const machine = requiredString(params, 'stateMachineArn');
      if (machine !== stateMachineArn) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machine}'`);
      const name = optionalString(params, 'name') ?? randomUUID();
      if (name.length < 1 || name.length > 80 || INVALID_NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
      const input = optionalString(params, 'input') ?? '{}';
      if (Buffer.byteLength(input) > MAX_INPUT_BYTES || !isJson(input)) throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input');
      const execution = executions.start(name, input, startAt, true);
      return { executionArn: execution.arn, startDate: execution.startDate };
    },
    StopExecution(params) {
      const execution = executions.get(requiredString(params, 'executionArn'));
      executions.stop(execution, optionalString(params, 'error'), optionalString(params, 'cause'));
      return { stopDate: execution.stopDate ?? new Date() };
    },
    DescribeExecution(params) {
      const e = executions.get(requiredString(params, 'executionArn'));
      return {
        executionArn: e.arn,
        stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        stopDate: e.stopDate,
        input: e.input,
        inputDetails: { included: true },
        output: e.output,
        outputDetails: e.output === undefined ? undefined : { included: true },
        error: e.error,
        cause: e.cause,
      };
    },
    GetExecutionHistory(params) {
      const execution = executions.get(requiredString(params, 'executionArn'));
      const maxResults = typeof params.maxResults === 'number' && params.maxResults > 0 ? Math.min(params.maxResults, 1000) : 100;
      const nextToken = optionalString(params, 'nextToken');
      const offset = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString());
      if (!Number.isInteger(offset) || offset < 0) throw new SfnApiError('InvalidToken', 'Invalid pagination token');
      const events = params.reverseOrder === true ? [...execution.events].reverse() : execution.events;
      const page = events.slice(offset, offset + maxResults);
      const more = offset + maxResults < events.length;
      return { events: page, nextToken: more ? Buffer.from(String(offset + maxResults)).toString('base64url') : undefined };
    },
    SendTaskSuccess(params) {
      const token = requiredString(params, 'taskToken');
      const output = requiredString(params, 'output');
      if (!isJson(output)) throw new SfnApiError('InvalidOutput', 'Invalid Output');
      tokens.claim(token).resolve(JSON.parse(output));
      return {};
    },
    SendTaskFailure(params) {
      const token = requiredString(params, 'taskToken');
      // The error's name is what the state's Catch/Retry match on, as with a real callback.
      tokens.claim(token).reject(new SfnApiError(optionalString(params, 'error') ?? '', optionalString(params, 'cause') ?? ''));
      return {};
    },
  };
}

function requiredString(params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw new SfnApiError('ValidationException', `${key} is required and must be a string`);
  return value;
}

function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnApiError('ValidationException', `${key} must be a string`);
  return value;
}
