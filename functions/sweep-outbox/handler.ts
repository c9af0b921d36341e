import type { ScheduledInvocation } from '../../infra/config/schedule-input';
import { sweepOutbox } from '../../shared/app/effects';
import { log } from '../../shared/log';
import { sweepDeps } from '../../shared/wiring';

/**
 * Scheduled every minute: runs the receipts and workflow starts that did not complete when the
 * case was submitted. Throws when some still fail, so the function's error alarm tells ops.
 */
export async function handler(_event: ScheduledInvocation): Promise<{ done: number; failed: number }> {
  const result = await sweepOutbox(sweepDeps());
  if (result.done > 0 || result.failed > 0) log.info('outbox swept', result);
  if (result.failed > 0) throw new Error(`${result.failed} pending effects failed again; they stay in the outbox`);
  return result;
}
