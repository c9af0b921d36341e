import type { FunctionName } from '../../routes';
import { LAMBDA_INVOKE_RESOURCE } from './definition';
import { isJsonObject, replaceString, toJson, type Json, type LocalHandlers } from './json';
import type { TaskState } from './state-machines';
import type { TaskTokens, TokenOwner } from './task-tokens';

/** The library's default for a Task without TimeoutSeconds; the token's life must match it. */
const LIBRARY_DEFAULT_TASK_TIMEOUT_SECONDS = 60;

/** An execution whose tasks wait for tokens; a resumed one carries the deadline its first wait had before a restart. */
export interface WaitingExecution extends TokenOwner {
  /**
   * When the first wait for a token ends (ms since the epoch), instead of its TimeoutSeconds from
   * now: the deadline it had before the runtime stopped. Taken by that wait; later ones get their full timeout.
   */
  resumedDeadline?: number;
}

/** The Task states' local handlers: each invokes its function as Lambda would. */
export interface TaskHandlers {
  /** The handlers of every Task state, for one execution. */
  handlersFor(execution: WaitingExecution): LocalHandlers;
  /** Settles once every invocation started so far has settled. */
  settled(): Promise<unknown>;
}

export interface TaskHandlersOptions {
  tasks: ReadonlyMap<string, TaskState>;
  taskFunctions: Readonly<Record<string, FunctionName>>;
  invoke: (fn: FunctionName, payload: unknown) => Promise<unknown>;
  tokens: TaskTokens;
}

/**
 * The three ways a Task state invokes a function: the plain function ARN (the result is the
 * output), `lambda:invoke` (the result wrapped in `Payload`), and `lambda:invoke.waitForTaskToken`
 * (the function gets a token of its own in place of `$$.Task.Token`, and the task waits for it).
 */
export function createTaskHandlers({ tasks, taskFunctions, invoke, tokens }: TaskHandlersOptions): TaskHandlers {
  const inFlight = new Set<Promise<unknown>>();

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

  /** The local handler of one Task state in one execution. */
  const taskHandler = (execution: WaitingExecution, stateName: string) => {
    const state = tasks.get(stateName)!;
    const fn = taskFunctions[stateName]!;
    const match = LAMBDA_INVOKE_RESOURCE.exec(state.Resource);
    if (!match) return (input: Json) => callFunction(fn, input);
    const payloadOf = (input: Json): Json => (isJsonObject(input) ? (input.Payload ?? {}) : {});
    if (!match[1]) {
      return async (input: Json): Promise<Json> => ({ ExecutedVersion: '$LATEST', Payload: await callFunction(fn, payloadOf(input)), StatusCode: 200 });
    }
    return (input: Json): Promise<Json> => {
      const resumed = execution.resumedDeadline;
      execution.resumedDeadline = undefined;
      // The deadline passed while the runtime was stopped: the task times out now, as it would have
      // then, without running its function again (nobody can answer a token that is over anyway).
      if (resumed !== undefined && resumed <= Date.now()) return Promise.reject(statesTimeout(state));
      const token = tokens.mint();
      const { value, replaced } = replaceString(input, tokens.placeholder, token);
      if (!replaced) throw new Error(`Task state "${stateName}" waits for a task token but never passes $$.Task.Token to its function`);
      // With TimeoutSecondsPath the library alone knows the deadline; the token then lives until the task ends.
      const timeoutMs = state.TimeoutSecondsPath === undefined ? (state.TimeoutSeconds ?? LIBRARY_DEFAULT_TASK_TIMEOUT_SECONDS) * 1000 : undefined;
      const waiting =
        resumed === undefined
          ? tokens.wait(token, execution, timeoutMs)
          : // The library's own timer runs the full TimeoutSeconds: this one ends the wait at the old deadline.
            tokens.wait(token, execution, resumed - Date.now(), () => statesTimeout(state));
      // Lambda failed before anyone answered: the task fails with the function's error.
      callFunction(fn, payloadOf(value)).catch((error: Error) => waiting.fail(error));
      return waiting.answer;
    };
  };

  return {
    handlersFor(execution) {
      const handlers: LocalHandlers = {};
      for (const stateName of tasks.keys()) handlers[stateName] = taskHandler(execution, stateName);
      return handlers;
    },
    settled: () => Promise.allSettled([...inFlight]),
  };
}

/**
 * The States.Timeout of a task whose deadline this engine keeps rather than the library. The
 * library's retriers match `States.TaskFailed` to any error but its own timeout class, which it
 * does not export: marked not retryable unless a retrier of the state names the timeout, as on AWS.
 */
function statesTimeout(state: TaskState): Error {
  const error = new Error('States.Timeout') as Error & { isRetryable?: boolean };
  error.name = 'States.Timeout';
  error.isRetryable = (state.Retry ?? []).some((retrier) => retrier.ErrorEquals.some((name) => name === 'States.Timeout' || name === 'States.ALL'));
  return error;
}

/** The error Lambda reports for a function that threw: its name is the `errorType`. */
function lambdaError(error: unknown): Error {
  const errorType = error instanceof Error && error.name ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const failure = new Error(JSON.stringify({ errorType, errorMessage }));
  failure.name = errorType;
  return failure;
}
