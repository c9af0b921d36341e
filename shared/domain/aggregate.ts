import type { MetricsStore, StoredSnapshot } from '../store/metrics-store';
import { computeMetrics } from './metrics';

/**
 * One run of the aggregation: reads approved cases (and rejected ones' dates) from the byStatus
 * index, computes the metrics and stores them as the latest snapshot and in the history. A run that
 * fails before `save` leaves the last good snapshot in place.
 */
export async function aggregateMetrics(deps: { metrics: MetricsStore; now: () => Date }): Promise<StoredSnapshot & { readCapacity: number }> {
  const asOf = deps.now().toISOString();
  const [approved, rejected, statusCounts] = await Promise.all([
    deps.metrics.approvedCases(),
    deps.metrics.decisionTimes('rejected'),
    deps.metrics.statusCounts(),
  ]);
  const snapshot = computeMetrics({
    approved: approved.cases,
    rejected: rejected.times,
    statusCounts,
    asOf,
    generatedAt: deps.now().toISOString(),
  });
  const stored = await deps.metrics.save(snapshot);
  return { ...stored, readCapacity: approved.readCapacity + rejected.readCapacity };
}
