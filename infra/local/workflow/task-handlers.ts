import type { FunctionName } from '../../routes';
import { LAMBDA_INVOKE_RESOURCE } from './definition';
import { isJsonObject, replaceString, toJson, type Json, type LocalHandlers } from './json';
import type { TaskState } from './state-machines';
import type { TaskTokens, TokenOwner } from './task-tokens';

/** The library's default for a Task without TimeoutSeconds; the token's life must match it. */
const LIBRARY_DEFAULT_TASK_TIMEOUT_SECONDS = 60;

/** The Task states' local handlers: each invokes its function as Lambda would. */
export interface TaskHandlers {
  /** The handlers of every Task state, for one execution. */
  handlersFor(execution: TokenOwner): LocalHandlers;
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
  const taskHandler = (execution: TokenOwner, stateName: string) => {
    const state = tasks.get(stateName)!;
    const fn = taskFunctions[stateName]!;
    const match = LAMBDA_INVOKE_RESOURCE.exec(state.Resource);
    if (!match) return (input: Json) => callFunction(fn, input);
    const payloadOf = (input: Json): Json => (isJsonObject(input) ? (input.Payload ?? {}) : {});
    if (!match[1]) {
      return async (input: Json): Promise<Json> => ({ ExecutedVersion: '$LATEST', Payload: await callFunction(fn, payloadOf(input)), StatusCode: 200 });
    }
    return (input: Json): Promise<Json> => {
      const token = tokens.mint();
      const { value, replaced } = replaceString(input, tokens.placeholder, token);
      if (!replaced) throw new Error(`Task state "${stateName}" waits for a task token but never passes $$.Task.Token to its function`);
      // With TimeoutSecondsPath the library alone knows the deadline; the token then lives until the task ends.
      const timeoutMs = state.TimeoutSecondsPath === undefined ? (state.TimeoutSeconds ?? LIBRARY_DEFAULT_TASK_TIMEOUT_SECONDS) * 1000 : undefined;
      const waiting = tokens.wait(token, execution, timeoutMs);
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

/** The error Lambda reports for a function that threw: its name is the `errorType`. */
function lambdaError(error: unknown): Error {
  const errorType = error instanceof Error && error.name ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const failure = new Error(JSON.stringify({ errorType, errorMessage }));
  failure.name = errorType;
  return failure;
}
