import type { ScheduledInvocation } from '../../infra/config/schedule-input';
import { aggregateMetrics } from '../../shared/app/aggregate';
import { log } from '../../shared/log';
import { metricsDeps } from '../../shared/wiring';
import type { StoredSnapshot } from '../../shared/app/ports';

/**
 * Scheduled: turns approved cases into the Hub's published figures. An error propagates, so the
 * function's error alarm tells ops; the previous snapshot stays the latest.
 */
export async function handler(_event: ScheduledInvocation | Record<string, never>): Promise<StoredSnapshot> {
  const { snapshot, etag, readCapacity } = await aggregateMetrics(metricsDeps());
  log.info('metrics aggregated', { casesConsidered: snapshot.casesConsidered, readCapacity, headline: snapshot.headline });
  return { snapshot, etag };
}
