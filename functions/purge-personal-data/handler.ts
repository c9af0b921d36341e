import type { ScheduledInvocation } from '../../infra/config/schedule-input';
import { expireUnconfirmed } from '../../shared/app/confirm-contact';
import { purgeExpiredPersonalData } from '../../shared/app/personal-data';
import { log } from '../../shared/log';
import { purgeDeps } from '../../shared/wiring';

/**
 * Scheduled daily: closes and erases cases whose contact never confirmed the address, then erases
 * the submitter's contact data from cases decided more than the stage's retention period ago. An error propagates to the function's error alarm; the watermark is only
 * moved after a complete run, so the next run covers what this one missed.
 */
export async function handler(_event: ScheduledInvocation | Record<string, never>): Promise<{ cases: number; items: number; until: string; unconfirmed: number }> {
  const all = purgeDeps();
  const { people, config, now } = all;
  const unconfirmed = await expireUnconfirmed(all, config.CONFIRM_WINDOW_SECONDS, now());
  if (unconfirmed.expired > 0) log.info('unconfirmed cases closed and erased', unconfirmed);
  const result = await purgeExpiredPersonalData(people, config.RETENTION_DAYS, now());
  log.info('personal data past retention erased', result);
  return { ...result, unconfirmed: unconfirmed.expired };
}
