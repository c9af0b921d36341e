// The stand-in must be installed before aws-local-stepfunctions runs a Task (it needs ES2024).
import './promise-with-resolvers';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HistoryEventType, type ExecutionStatus, type HistoryEvent } from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { FunctionName } from '../../routes';
import { LAMBDA_FUNCTION_RESOURCE, LAMBDA_INVOKE_RESOURCE, LOCAL_PSEUDO_PARAMETERS, taskStatesOf } from './definition';

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
   * token and a full timeout).
   *
   * The execution takes `name` exactly as StartExecution would, so the name rule keeps protecting
   * the case: a later StartExecution with that name (say, a retry from the outbox) gets
   * `ExecutionAlreadyExists` instead of starting a second workflow. Names live in memory only, so
   * after a restart every name is free again; resuming a name already used in this process throws
   * an error named `ExecutionAlreadyExists`.
   */
  resume(name: string, startAt: string, input: unknown): StartedExecution;
  /** Aborts running executions (no further task runs), waits for invocations in flight, stops the server. */
  close(): Promise<void>;
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
/** A JSON value as the library types it. */
type Json = Parameters<LocalHandlers[string]>[0];
type Run = ReturnType<StateMachine['run']>;
type LibraryEvent = Run['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type StateType = StateMachineDefinition['States'][string]['Type'];

/** An error of the Step Functions API: the SDK turns `code` into the exception class of that name. */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

interface Execution {
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
  abort(): void;
  /** Settles once the execution is over and its history complete. */
  done: Promise<void>;
}

interface PendingTask {
  execution: Execution;
  /** The token is void from this instant, exactly when the library raises States.Timeout. */
  deadline: number;
  timer?: NodeJS.Timeout;
  resolve(value: Json): void;
  reject(error: Error): void;
}

/** The library's default for a Task without TimeoutSeconds; the token's life must match it. */
const LIBRARY_DEFAULT_TASK_TIMEOUT_SECONDS = 60;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_INPUT_BYTES = 256 * 1024;
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

const ENTERED: Record<StateType, HistoryEventType> = {
  Task: HistoryEventType.TaskStateEntered,
  Pass: HistoryEventType.PassStateEntered,
  Choice: HistoryEventType.ChoiceStateEntered,
  Wait: HistoryEventType.WaitStateEntered,
  Succeed: HistoryEventType.SucceedStateEntered,
  Fail: HistoryEventType.FailStateEntered,
  Parallel: HistoryEventType.ParallelStateEntered,
  Map: HistoryEventType.MapStateEntered,
};
const EXITED: Partial<Record<StateType, HistoryEventType>> = {
  Task: HistoryEventType.TaskStateExited,
  Pass: HistoryEventType.PassStateExited,
  Choice: HistoryEventType.ChoiceStateExited,
  Wait: HistoryEventType.WaitStateExited,
  Succeed: HistoryEventType.SucceedStateExited,
  Parallel: HistoryEventType.ParallelStateExited,
  Map: HistoryEventType.MapStateExited,
};

/** Characters AWS refuses in execution names. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

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
  const { taskFunctions, invoke } = options;
  const definition = withTimersNodeCanKeep(options.definition);
  const { partition, region, accountId } = LOCAL_PSEUDO_PARAMETERS;
  const machineName = options.stateMachineName ?? 'case-review';
  const stateMachineArn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${machineName}`;
  const roleArn = `arn:${partition}:iam::${accountId}:role/${machineName}-local`;

  // Fail at start, not in the middle of a case, when the definition needs what the engine lacks.
  const tasks = new Map(taskStatesOf(definition.States));
  for (const [stateName, state] of tasks) {
    if (!taskFunctions[stateName]) throw new Error(`Task state "${stateName}" has no function in taskFunctions`);
    if (!LAMBDA_INVOKE_RESOURCE.test(state.Resource) && !LAMBDA_FUNCTION_RESOURCE.test(state.Resource)) {
      throw new Error(`Task state "${stateName}" uses resource ${state.Resource}; the embedded runtime only runs Lambda functions`);
    }
  }
  const machines = new Map<string, StateMachine>();
  const machineFor = (startAt: string) => {
    let machine = machines.get(startAt);
    if (!machine) {
      if (!(startAt in definition.States)) throw new Error(`State machine ${machineName} has no top-level state "${startAt}"`);
      // The library validates the definition (ARNs, paths) here, once per start state; it refuses
      // unreachable states, so a copy that starts elsewhere keeps only what it can reach.
      machine = new StateMachine({ ...definition, StartAt: startAt, States: reachableStates(definition.States, startAt) });
      machines.set(startAt, machine);
    }
    return machine;
  };
  machineFor(definition.StartAt);

  const byName = new Map<string, Execution>();
  const byArn = new Map<string, Execution>();
  const pending = new Map<string, PendingTask>();
  const inFlight = new Set<Promise<unknown>>();
  // What `$$.Task.Token` resolves to in the definition; each task swaps it for a token of its own.
  const tokenPlaceholder = `local-task-token-${randomUUID()}`;
  let closed = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const untrack = () => inFlight.delete(promise);
    promise.then(untrack, untrack);
    return promise;
  };

  const callFunction = (fn: FunctionName, payload: Json): Promise<Json> =>
    track(
      Promise.resolve()
        // A copy, as Lambda would deserialize its own: the function cannot touch the execution's state.
        .then(() => invoke(fn, structuredClone(payload)))
        .then(
          (result) => toJson(result),
          (error: unknown) => {
            throw lambdaError(error);
          },
        ),
    );

  const forget = (token: string) => {
    const task = pending.get(token);
    if (!task) return undefined;
    clearTimeout(task.timer);
    pending.delete(token);
    task.execution.tokens.delete(token);
    return task;
  };

  /** The local handler of one Task state in one execution. */
  const taskHandler = (execution: Execution, stateName: string) => {
    const state = tasks.get(stateName)!;
    const fn = taskFunctions[stateName]!;
    const match = LAMBDA_INVOKE_RESOURCE.exec(state.Resource);
    if (!match) return (input: Json) => callFunction(fn, input);
    const payloadOf = (input: Json): Json => (isJsonObject(input) ? (input.Payload ?? {}) : {});
    if (!match[1]) {
      return async (input: Json): Promise<Json> => ({ ExecutedVersion: '$LATEST', Payload: await callFunction(fn, payloadOf(input)), StatusCode: 200 });
    }
    return (input: Json): Promise<Json> => {
      const token = randomBytes(48).toString('base64url');
      const { value, replaced } = replaceString(input, tokenPlaceholder, token);
      if (!replaced) throw new Error(`Task state "${stateName}" waits for a task token but never passes $$.Task.Token to its function`);
      const { promise, resolve, reject } = deferred<Json>();
      const timeoutMs = (state.TimeoutSeconds ?? LIBRARY_DEFAULT_TASK_TIMEOUT_SECONDS) * 1000;
      // With TimeoutSecondsPath the library alone knows the deadline; the token then lives until the task ends.
      const fixedTimeout = state.TimeoutSecondsPath === undefined;
      const task: PendingTask = { execution, deadline: fixedTimeout ? Date.now() + timeoutMs : Infinity, resolve, reject };
      // This timer is armed before the library arms its own with the same delay (it does so right
      // after calling this handler), so the token is void by the time States.Timeout is raised.
      if (fixedTimeout) task.timer = setTimeout(() => forget(token), timeoutMs);
      pending.set(token, task);
      execution.tokens.add(token);
      callFunction(fn, payloadOf(value)).catch((error: Error) => {
        // Lambda failed before anyone answered: the task fails with the function's error.
        if (pending.get(token) === task) {
          forget(token);
          reject(error);
        }
      });
      return promise;
    };
  };

  const stopPendingTasks = (execution: Execution) => {
    for (const token of [...execution.tokens]) {
      // Settling the task lets the library clear its timeout timer (days long) and notice the
      // abort; it runs no further state.
      forget(token)?.reject(new SfnApiError('States.Runtime', 'The execution was stopped'));
    }
  };

  const record = (execution: Execution, event: Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>, timestamp: number) => {
    const id = execution.events.length + 1;
    execution.events.push({ id, previousEventId: id - 1, timestamp: new Date(timestamp), ...event });
  };

  const recordLibraryEvent = (execution: Execution, event: LibraryEvent) => {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        record(execution, { type: 'ExecutionStarted', executionStartedEventDetails: { input: JSON.stringify(event.input), inputDetails: { truncated: false }, roleArn } }, at);
        break;
      case 'StateEntered':
        record(execution, { type: ENTERED[event.state.type], stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input), inputDetails: { truncated: false } } }, at);
        break;
      case 'StateExited': {
        const output = JSON.stringify(event.state.output ?? null);
        if (event.state.type === 'Task') {
          const { resourceType, resource } = resourceOf(tasks.get(event.state.name)?.Resource ?? '');
          record(execution, { type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType, resource, output, outputDetails: { truncated: false } } }, at);
        }
        const type = EXITED[event.state.type];
        if (type) record(execution, { type, stateExitedEventDetails: { name: event.state.name, output, outputDetails: { truncated: false } } }, at);
        break;
      }
      case 'StateFailed':
        if (event.state.type === 'Task') {
          const { resourceType, resource } = resourceOf(tasks.get(event.state.name)?.Resource ?? '');
          const details = { resourceType, resource, error: event.Error, cause: causeText(event.Cause) };
          if (event.Error === 'States.Timeout') record(execution, { type: 'TaskTimedOut', taskTimedOutEventDetails: details }, at);
          else record(execution, { type: 'TaskFailed', taskFailedEventDetails: details }, at);
        }
        break;
      case 'StateCaught': {
        // A caught failure leaves the state towards the catcher's Next.
        const type = EXITED[event.state.type];
        if (type) record(execution, { type, stateExitedEventDetails: { name: event.state.name } }, at);
        break;
      }
      case 'ExecutionSucceeded':
        record(execution, { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify(event.output), outputDetails: { truncated: false } } }, at);
        break;
      case 'ExecutionFailed':
        record(execution, { type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } }, at);
        break;
      case 'ExecutionAborted':
        record(execution, { type: 'ExecutionAborted', executionAbortedEventDetails: { error: execution.error, cause: execution.cause } }, at);
        break;
      case 'ExecutionTimeout':
        record(execution, { type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} }, at);
        break;
      default:
        // Map and Parallel iteration events: this state machine has neither.
        break;
    }
  };

  const start = (name: string, input: string, startAt: string, idempotent: boolean): Execution => {
    if (closed) throw new SfnApiError('ServiceUnavailable', 'The embedded Step Functions service is closing');
    const existing = byName.get(name);
    if (existing) {
      // AWS: the same name and input while the first still runs is the same request again.
      if (idempotent && existing.status === 'RUNNING' && existing.input === input && existing.startAt === startAt) return existing;
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.arn}'`);
    }
    const value: Json = JSON.parse(input);
    const machine = machineFor(startAt);
    const arn = `arn:${partition}:states:${region}:${accountId}:execution:${machineName}:${name}`;
    const execution: Execution = {
      arn,
      name,
      input,
      startAt,
      startDate: new Date(),
      status: 'RUNNING',
      events: [],
      tokens: new Set(),
      abort: () => undefined,
      done: Promise.resolve(),
    };
    const handlers: LocalHandlers = {};
    for (const stateName of tasks.keys()) handlers[stateName] = taskHandler(execution, stateName);
    const run = machine.run(value, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: { Id: arn, Name: name, RoleArn: roleArn },
        StateMachine: { Id: stateMachineArn, Name: machineName },
        Task: { Token: tokenPlaceholder },
      },
    });
    execution.abort = run.abort;
    const history = (async () => {
      for await (const event of run.eventLogs) recordLibraryEvent(execution, event);
    })();
    execution.done = (async () => {
      try {
        const output = await run.result;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      } catch (error) {
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
      await history;
      stopPendingTasks(execution);
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
    stopPendingTasks(execution);
  };

  const executionOf = (arn: string) => {
    const execution = byArn.get(arn);
    if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  };

  /** The task of a token that may still be answered, removed from the waiting list. */
  const claim = (token: string): PendingTask => {
    const task = pending.get(token);
    if (!task || Date.now() >= task.deadline || task.execution.status !== 'RUNNING') {
      if (task) forget(token);
      throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
    }
    forget(token);
    return task;
  };

  const operations: Record<string, (params: Params) => object> = {
    StartExecution(params) {
      const machine = requiredString(params, 'stateMachineArn');
      if (machine !== stateMachineArn) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${machine}'`);
      const name = optionalString(params, 'name') ?? randomUUID();
      if (name.length < 1 || name.length > 80 || INVALID_NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
      const input = optionalString(params, 'input') ?? '{}';
      if (Buffer.byteLength(input) > MAX_INPUT_BYTES || !isJson(input)) throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input');
      const execution = start(name, input, definition.StartAt, true);
      return { executionArn: execution.arn, startDate: execution.startDate };
    },
    StopExecution(params) {
      const execution = executionOf(requiredString(params, 'executionArn'));
      stop(execution, optionalString(params, 'error'), optionalString(params, 'cause'));
      return { stopDate: execution.stopDate ?? new Date() };
    },
    DescribeExecution(params) {
      const e = executionOf(requiredString(params, 'executionArn'));
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
      const execution = executionOf(requiredString(params, 'executionArn'));
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
      claim(token).resolve(JSON.parse(output));
      return {};
    },
    SendTaskFailure(params) {
      const token = requiredString(params, 'taskToken');
      // The error's name is what the state's Catch/Retry match on, as with a real callback.
      claim(token).reject(new SfnApiError(optionalString(params, 'error') ?? '', optionalString(params, 'cause') ?? ''));
      return {};
    },
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('embedded Step Functions error', error);
      if (!response.headersSent) sendError(response, 500, 'InternalFailure', 'The embedded Step Functions service failed on this request');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? operations[target.slice('AWSStepFunctions.'.length)] : undefined;
    if (request.method !== 'POST' || !operation) {
      request.resume();
      sendError(response, 400, 'UnknownOperationException', `Unknown operation ${target || request.method}`);
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      sendError(response, 413, 'SerializationException', 'Request body too large');
      return;
    }
    let params: unknown;
    try {
      params = JSON.parse(body || '{}');
    } catch {
      sendError(response, 400, 'SerializationException', 'The request body is not JSON');
      return;
    }
    if (!isPlainObject(params)) {
      sendError(response, 400, 'SerializationException', 'The request body is not a JSON object');
      return;
    }
    let result: object;
    try {
      result = operation(params);
    } catch (error) {
      if (!(error instanceof SfnApiError)) throw error;
      sendError(response, 400, error.code, error.message);
      return;
    }
    send(response, 200, toWire(result));
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    stateMachineArn,
    history(executionArn) {
      return structuredClone(executionOf(executionArn).events);
    },
    resume(name, startAt, input) {
      const execution = start(name, JSON.stringify(input ?? {}), startAt, false);
      return { executionArn: execution.arn, startDate: execution.startDate };
    },
    close() {
      closing ??= (async () => {
        closed = true;
        for (const execution of byArn.values()) stop(execution);
        await Promise.all([...byArn.values()].map((execution) => execution.done));
        await Promise.allSettled([...inFlight]);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

type Params = Record<string, unknown>;

/** The longest delay a Node timer keeps: a longer one fires after 1 ms instead. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * A copy of `definition` whose timeouts fit a Node timer. The library arms `setTimeout` with
 * TimeoutSeconds, and past ~24.8 days Node fires it at once: a 30-day amend window would expire
 * the moment it opens. Clamping to 24.8 days changes nothing a local run can notice.
 */
function withTimersNodeCanKeep(definition: StateMachineDefinition): StateMachineDefinition {
  const copy = structuredClone(definition);
  const clamp = (where: string, seconds: number) => {
    console.warn(`embedded Step Functions: ${where} TimeoutSeconds ${seconds} exceeds what a Node timer can wait; using ${MAX_TIMER_SECONDS} (24.8 days)`);
    return MAX_TIMER_SECONDS;
  };
  if (copy.TimeoutSeconds !== undefined && copy.TimeoutSeconds > MAX_TIMER_SECONDS) copy.TimeoutSeconds = clamp('the state machine', copy.TimeoutSeconds);
  for (const [name, state] of taskStatesOf(copy.States)) {
    if (state.TimeoutSeconds !== undefined && state.TimeoutSeconds > MAX_TIMER_SECONDS) state.TimeoutSeconds = clamp(`state "${name}"`, state.TimeoutSeconds);
  }
  return copy;
}

/** The states reachable from `startAt` through Next, Default, Choices and Catch. */
function reachableStates(states: StateMachineDefinition['States'], startAt: string): StateMachineDefinition['States'] {
  const reached: StateMachineDefinition['States'] = {};
  const queue = [startAt];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = states[name];
    if (!state || name in reached) continue;
    reached[name] = state;
    if ('Next' in state) queue.push(state.Next);
    if (state.Type === 'Choice') {
      queue.push(...state.Choices.map((choice) => choice.Next));
      if (state.Default !== undefined) queue.push(state.Default);
    }
    if ('Catch' in state) queue.push(...(state.Catch ?? []).map((catcher) => catcher.Next));
  }
  return reached;
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

function isPlainObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object as the library types it. */
type JsonObject = Exclude<Json, null | boolean | number | string | unknown[]>;

function isJsonObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function toJson(value: unknown): Json {
  // What Lambda would do with a result: serialize it; `undefined` becomes null.
  return JSON.parse(JSON.stringify(value ?? null));
}

/** `value` with every string equal to `from` replaced by `to`. */
function replaceString(value: Json, from: string, to: string): { value: Json; replaced: boolean } {
  let replaced = false;
  const walk = (item: Json): Json => {
    if (item === from) {
      replaced = true;
      return to;
    }
    if (Array.isArray(item)) return item.map(walk);
    if (isJsonObject(item)) return Object.fromEntries(Object.entries(item).map(([key, child]) => [key, walk(child)]));
    return item;
  };
  return { value: walk(value), replaced };
}

/** The error Lambda reports for a function that threw: its name is the `errorType`. */
function lambdaError(error: unknown): Error {
  const errorType = error instanceof Error && error.name ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const failure = new Error(JSON.stringify({ errorType, errorMessage }));
  failure.name = errorType;
  return failure;
}

function resourceOf(resource: string): { resourceType: string; resource: string } {
  const integration = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(resource);
  return integration ? { resourceType: integration[1]!, resource: integration[2]! } : { resourceType: 'lambda', resource };
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause ?? null);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The AWS JSON wire form: timestamps are epoch seconds, absent members are left out. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

function send(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': randomUUID(), ...headers });
  response.end(body);
}

function sendError(response: ServerResponse, status: number, code: string, message: string) {
  send(response, status, { __type: `com.amazonaws.states#${code}`, message }, { 'x-amzn-errortype': code });
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
