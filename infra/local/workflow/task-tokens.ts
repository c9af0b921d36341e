import { randomBytes, randomUUID } from 'node:crypto';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { SfnApiError, type Json } from './json';

/** What a token belongs to: an execution, as far as the registry needs to know it. */
export interface TokenOwner {
  readonly status: ExecutionStatus;
  /** Tokens of this execution's tasks that still wait for an answer. */
  readonly tokens: Set<string>;
}

interface PendingTask {
  owner: TokenOwner;
  /** The token is void from this instant, exactly when the library raises States.Timeout. */
  deadline: number;
  timer?: NodeJS.Timeout;
  resolve(value: Json): void;
  reject(error: Error): void;
}

/** A token that waits for SendTaskSuccess or SendTaskFailure. */
export interface WaitingToken {
  /** Settles with the answer (SendTaskSuccess) or rejects with the error (SendTaskFailure, stop). */
  answer: Promise<Json>;
  /** Fails the task with `error`, unless it has been answered, stopped or timed out already. */
  fail(error: Error): void;
}

/**
 * The task tokens of `lambda:invoke.waitForTaskToken` tasks (the library has no callback pattern
 * of its own): minted for a task, answered once by SendTaskSuccess/SendTaskFailure, void after the
 * task's timeout or once its execution ends.
 */
export interface TaskTokens {
  /** What `$$.Task.Token` resolves to in the definition; each task swaps it for a token of its own. */
  readonly placeholder: string;
  /** A new token, not yet waiting. */
  mint(): string;
  /**
   * Makes `token` wait for an answer for `owner`. With `timeoutMs` the token is void after that
   * long; without (TimeoutSecondsPath: only the library knows the deadline) it lives until the task ends.
   * With `onTimeout` the task also fails with its error then, instead of waiting for the library's own timer.
   */
  wait(token: string, owner: TokenOwner, timeoutMs: number | undefined, onTimeout?: () => Error): WaitingToken;
  /** The task of a token that may still be answered, removed from the waiting list. */
  claim(token: string): { resolve(value: Json): void; reject(error: Error): void };
  /** Fails every task of `owner` that still waits, so that the library runs no further state. */
  release(owner: TokenOwner): void;
}

export function createTaskTokens(): TaskTokens {
  const pending = new Map<string, PendingTask>();

  const forget = (token: string) => {
    const task = pending.get(token);
    if (!task) return undefined;
    clearTimeout(task.timer);
    pending.delete(token);
    task.owner.tokens.delete(token);
    return task;
  };

  return {
    placeholder: `local-task-token-${randomUUID()}`,
    mint: () => randomBytes(48).toString('base64url'),
    wait(token, owner, timeoutMs, onTimeout) {
      let resolve!: (value: Json) => void;
      let reject!: (error: Error) => void;
      const answer = new Promise<Json>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const task: PendingTask = { owner, deadline: timeoutMs === undefined ? Infinity : Date.now() + timeoutMs, resolve, reject };
      // This timer is armed before the library arms its own with the same delay (it does so right
      // after calling the task's handler), so the token is void by the time States.Timeout is raised.
      if (timeoutMs !== undefined) {
        task.timer = setTimeout(() => {
          forget(token);
          if (onTimeout) reject(onTimeout());
        }, timeoutMs);
      }
      pending.set(token, task);
      owner.tokens.add(token);
      return {
        answer,
        fail(error) {
          if (pending.get(token) === task) {
            forget(token);
            reject(error);
          }
        },
      };
    },
    claim(token) {
      const task = pending.get(token);
      if (!task || Date.now() >= task.deadline || task.owner.status !== 'RUNNING') {
        if (task) forget(token);
        throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
      }
      forget(token);
      return task;
    },
    release(owner) {
      for (const token of [...owner.tokens]) {
        // Settling the task lets the library clear its timeout timer (days long) and notice the
        // abort; it runs no further state.
        forget(token)?.reject(new SfnApiError('States.Runtime', 'The execution was stopped'));
      }
    },
  };
}
