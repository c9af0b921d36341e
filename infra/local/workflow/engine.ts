// The stand-in must be installed before aws-local-stepfunctions runs a Task (it needs ES2024).
import './promise-with-resolvers';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { FunctionName } from '../../routes';
import { LOCAL_PSEUDO_PARAMETERS } from './definition';
import { historyRecorder } from './execution-history';
import { createExecutions } from './executions';
import { sfnOperations } from './sfn-api';
import { startSfnServer } from './sfn-server';
import { prepareStateMachines } from './state-machines';
import { createTaskHandlers } from './task-handlers';
import { createTaskTokens } from './task-tokens';

export { SfnApiError } from './json';

/** What {@link startLocalStepFunctions} needs. */
export interface LocalStepFunctionsOptions {
  /** The ASL definition, intrinsics resolved (see `loadWorkflowDefinition`). */
  definition: StateMachineDefinition;
  /** For each Task state, the function it invokes. Every Task state must have one. */
  taskFunctions: Readonly<Record<string, FunctionName>>;
  /**
   * Runs a function with a payload, as Lambda would: resolves with its result, or rejects with
   * the error it threw (the error's `name` becomes the task's error, as Lambda's `errorType`).
   */
  invoke: (fn: FunctionName, payload: unknown) => Promise<unknown>;
  /** The state machine's name in its ARN. @default 'case-review' */
  stateMachineName?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
}

/** An execution that has been started. */
export interface StartedExecution {
  executionArn: string;
  startDate: Date;
}

/** The embedded Step Functions service. */
export interface LocalStepFunctions {
  /** Base URL for `new SFNClient({ endpoint })`; any credentials and region are accepted. */
  readonly endpoint: string;
  /** The ARN to start executions of (STATE_MACHINE_ARN for the functions). */
  readonly stateMachineArn: string;
  /** The events of an execution so far, in the shape of GetExecutionHistory, oldest first. */
  history(executionArn: string): HistoryEvent[];
  /**
   * Starts an execution of the same definition at state `startAt` instead of its `StartAt`, with
   * `input` as that state's input: after a restart of the runtime, a case that was waiting in
   * RequestReview or RequestChanges gets its workflow back (its task is invoked again, with a new
   * token). With `deadline`, that first wait ends when it would have before the restart instead of
   * a full timeout from now; a deadline already past times the task out at once, without invoking
   * it, and the workflow goes on as it would have then (a reminder, an expiry).
   *
   * The execution takes `name` exactly as StartExecution would, so the name rule keeps protecting
   * the case: a later StartExecution with that name (say, a retry from the outbox) gets
   * `ExecutionAlreadyExists` instead of starting a second workflow. Names live in memory only, so
   * after a restart every name is free again; resuming a name already used in this process throws
   * an error named `ExecutionAlreadyExists`.
   */
  resume(name: string, startAt: string, input: unknown, deadline?: Date): StartedExecution;
  /** Aborts running executions (no further task runs), waits for invocations in flight, stops the server. */
  close(): Promise<void>;
}

/**
 * Starts an embedded Step Functions service for one state machine: an HTTP server on the loopback
 * that speaks the AWS JSON 1.0 protocol of Step Functions (StartExecution, StopExecution,
 * DescribeExecution, GetExecutionHistory, SendTaskSuccess, SendTaskFailure), so the functions'
 * own `SFNClient` works with only its endpoint changed. Executions run in this process with
 * aws-local-stepfunctions; every Task state calls `invoke` instead of Lambda, and
 * `lambda:invoke.waitForTaskToken` tasks wait for SendTaskSuccess/SendTaskFailure on a token
 * minted here (the library has no callback pattern of its own).
 *
 * Executions live in memory: a restart loses them, see {@link LocalStepFunctions.resume}.
 */
export async function startLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const { partition, region, accountId } = LOCAL_PSEUDO_PARAMETERS;
  const machineName = options.stateMachineName ?? 'case-review';
  const stateMachineArn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${machineName}`;
  const roleArn = `arn:${partition}:iam::${accountId}:role/${machineName}-local`;
  const host = options.host ?? '127.0.0.1';

  const machines = prepareStateMachines(options.definition, options.taskFunctions, machineName);
  const tokens = createTaskTokens();
  const tasks = createTaskHandlers({ tasks: machines.tasks, taskFunctions: options.taskFunctions, invoke: options.invoke, tokens });
  const executions = createExecutions({
    machines,
    stateMachineArn,
    machineName,
    roleArn,
    executionArn: (name) => `arn:${partition}:states:${region}:${accountId}:execution:${machineName}:${name}`,
    tokenPlaceholder: tokens.placeholder,
    handlersFor: tasks.handlersFor,
    recordEvent: historyRecorder(machines.tasks, roleArn),
    releaseTokens: tokens.release,
  });
  const operations = sfnOperations({ stateMachineArn, startAt: machines.definition.StartAt, executions, tokens });
  const server = await startSfnServer(operations, host, options.port ?? 0);

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${server.port}`,
    stateMachineArn,
    history(executionArn) {
      return structuredClone(executions.get(executionArn).events);
    },
    resume(name, startAt, input, deadline) {
      const execution = executions.start(name, JSON.stringify(input ?? {}), startAt, false, deadline?.getTime());
      return { executionArn: execution.arn, startDate: execution.startDate };
    },
    close() {
      closing ??= (async () => {
        await executions.close();
        await tasks.settled();
        await server.close();
      })();
      return closing;
    },
  };
}
