import type { ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import type { LibraryEvent } from './execution-history';
import { SfnApiError, type Json, type LocalHandlers } from './json';
import type { StateMachines } from './state-machines';

/** One execution, as DescribeExecution and GetExecutionHistory show it. */
export interface Execution {
  arn: string;
  name: string;
  /** The input exactly as given, to compare repeated StartExecution calls like AWS does. */
  input: string;
  startAt: string;
  startDate: Date;
  stopDate?: Date;
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  /** Tokens of this execution's tasks that still wait for an answer. */
  tokens: Set<string>;
  /** The deadline of a resumed execution's first wait (see `LocalStepFunctions.resume`). */
  resumedDeadline?: number;
  abort(): void;
  /** Settles once the execution is over and its history complete. */
  done: Promise<void>;
}

/** The executions of this process, by name and by ARN. */
export interface Executions {
  /**
   * Starts an execution named `name` at state `startAt` with `input` (JSON text). `idempotent`:
   * the same name and input while the first still runs is the same request again (StartExecution).
   */
  start(name: string, input: string, startAt: string, idempotent: boolean, resumedDeadline?: number): Execution;
  /** Aborts a running execution, with the error and cause StopExecution gave. */
  stop(execution: Execution, error?: string, cause?: string): void;
  /** The execution of `arn`, or ExecutionDoesNotExist. */
  get(arn: string): Execution;
  /** Refuses new executions, stops the running ones and waits until all are over. */
  close(): Promise<void>;
}

export interface ExecutionsOptions {
  machines: StateMachines;
  /** The state machine's ARN and name, and the role its executions report. */
  stateMachineArn: string;
  machineName: string;
  roleArn: string;
  /** The ARN of the execution named `name`. */
  executionArn(name: string): string;
  /** What `$$.Task.Token` resolves to before a task swaps it for its own token. */
  tokenPlaceholder: string;
  handlersFor(execution: Execution): LocalHandlers;
  recordEvent(execution: Execution, event: LibraryEvent): void;
  /** Fails the tasks of `execution` that still wait for a token. */
  releaseTokens(execution: Execution): void;
}

/** Runs executions with aws-local-stepfunctions and keeps what they did, in memory. */
export function createExecutions(options: ExecutionsOptions): Executions {
  const { machines, stateMachineArn, machineName, roleArn } = options;
  const byName = new Map<string, Execution>();
  const byArn = new Map<string, Execution>();
  let closed = false;

  const start = (name: string, input: string, startAt: string, idempotent: boolean, resumedDeadline?: number): Execution => {
    if (closed) throw new SfnApiError('ServiceUnavailable', 'The embedded Step Functions service is closing');
    const existing = byName.get(name);
    if (existing) {
      // AWS: the same name and input while the first still runs is the same request again.
      if (idempotent && existing.status === 'RUNNING' && existing.input === input && existing.startAt === startAt) return existing;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
    }
    const value: Json = JSON.parse(input);
    const machine = machines.machineFor(startAt);
    const arn = options.executionArn(name);
    const execution: Execution = {
      arn,
      name,
      input,
      startAt,
      startDate: new Date(),
      status: 'RUNNING',
      events: [],
      tokens: new Set(),
      resumedDeadline,
      abort: () => undefined,
      done: Promise.resolve(),
    };
    const run = machine.run(value, {
      overrides: { taskResourceLocalHandlers: options.handlersFor(execution) },
      context: {
        Execution: { Id: arn, Name: name, RoleArn: roleArn },
        StateMachine: { Id: stateMachineArn, Name: machineName },
        Task: { Token: options.tokenPlaceholder },
      },
    });
    execution.abort = run.abort;
    const history = (async () => {
      for await (const event of run.eventLogs) options.recordEvent(execution, event);
    })();
    execution.done = (async () => {
      try {
        const output = await run.result;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      } catch (error) {
        settleFailure(execution, error);
      }
      await history;
      options.releaseTokens(execution);
      execution.stopDate = new Date();
    })();
    byName.set(name, execution);
    byArn.set(arn, execution);
    return execution;
  };

  const stop = (execution: Execution, error?: string, cause?: string) => {
    if (execution.status !== 'RUNNING') return;
    execution.error = error;
    execution.cause = cause;
    execution.abort();
    options.releaseTokens(execution);
  };

  return {
    start,
    stop,
    get(arn) {
      const execution = byArn.get(arn);
      if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      return execution;
    },
    async close() {
      closed = true;
      for (const execution of byArn.values()) stop(execution);
      await Promise.all([...byArn.values()].map((execution) => execution.done));
    },
  };
}

/** The status, error and cause of an execution whose run rejected with `error`. */
function settleFailure(execution: Execution, error: unknown): void {
  if (error instanceof ExecutionAbortedError) {
    execution.status = 'ABORTED';
  } else if (error instanceof ExecutionTimeoutError) {
    execution.status = 'TIMED_OUT';
    execution.error = 'States.Timeout';
  } else {
    // ExecutionError wraps what ended the run: a Fail state's Error/Cause, or an uncaught task error.
    const cause = error instanceof ExecutionError ? error.cause : error;
    execution.status = 'FAILED';
    execution.error = cause instanceof Error ? cause.name : 'States.Runtime';
    execution.cause = cause instanceof Error ? cause.message : String(cause);
  }
}
