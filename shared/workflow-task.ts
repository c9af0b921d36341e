import * as z from 'zod';
import type { ReviewDeps, TaskPayload } from './app/review-flow';
import { log } from './log';

/** The payload the state machine sends its tasks, checked: ids and counters, never personal data. */
const TaskPayloadSchema = z.strictObject({
  caseId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  round: z.int().min(1),
  attempt: z.int().min(0).optional(),
  /** The Escalate state's: the request goes to the coordinators. */
  escalation: z.literal(true).optional(),
  taskToken: z.string().min(1).optional(),
  outcome: z.enum(['approved', 'rejected', 'expired', 'failed']).optional(),
  error: z.string().max(256).optional(),
});

/**
 * A Lambda handler for a case-review task: validates the payload, runs the step with the
 * dependencies `deps` builds (the task's builder in `wiring.ts`), and lets errors through so the
 * state machine's Retry and Catch decide what happens next.
 */
export function workflowTask<D extends ReviewDeps>(name: string, step: (deps: D, task: TaskPayload) => Promise<void>, deps: () => D) {
  return async (event: unknown): Promise<{ ok: true }> => {
    const task = TaskPayloadSchema.parse(event);
    await step(deps(), task);
    log.info(`${name} done`, { caseId: task.caseId, round: task.round, attempt: task.attempt, outcome: task.outcome, ...(task.escalation ? { escalation: true } : {}) });
    return { ok: true };
  };
}
