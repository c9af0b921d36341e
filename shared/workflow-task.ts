import * as z from 'zod';
import type { ReviewDeps, TaskPayload } from './domain/review-flow';
import { log } from './log';
import { deps } from './runtime';

/** The payload the state machine sends its tasks, checked: ids and counters, never personal data. */
const TaskPayloadSchema = z.strictObject({
  caseId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  round: z.int().min(1),
  attempt: z.int().min(0).optional(),
  taskToken: z.string().min(1).optional(),
  outcome: z.enum(['approved', 'rejected', 'expired', 'failed']).optional(),
  error: z.string().max(256).optional(),
});

/** The dependencies of the review tasks, from the process configuration. */
export function reviewDeps(): ReviewDeps {
  const base = deps();
  return {
    ...base,
    reviewers: base.config.REVIEWERS,
    reviewWindowSeconds: base.config.REVIEW_WINDOW_SECONDS,
    amendWindowSeconds: base.config.AMEND_WINDOW_SECONDS,
  };
}

/**
 * A Lambda handler for a case-review task: validates the payload, runs the step, and lets errors
 * through so the state machine's Retry and Catch decide what happens next.
 */
export function workflowTask(name: string, step: (deps: ReviewDeps, task: TaskPayload) => Promise<void>) {
  return async (event: unknown): Promise<{ ok: true }> => {
    const task = TaskPayloadSchema.parse(event);
    await step(reviewDeps(), task);
    log.info(`${name} done`, { caseId: task.caseId, round: task.round, attempt: task.attempt, outcome: task.outcome });
    return { ok: true };
  };
}
