import type { MetricsStore, Page, StoredSnapshot } from './ports';
import { createMetricsFold } from '../core/metrics';

/** Feeds every item of every page to `add` as the pages arrive; returns the read capacity they consumed. */
async function fold<T>(pages: AsyncIterable<Page<T>>, add: (item: T) => void): Promise<number> {
  let readCapacity = 0;
  for await (const page of pages) {
    for (const item of page.items) add(item);
    readCapacity += page.readCapacity;
  }
  return readCapacity;
}

/**
 * One run of the aggregation: reads approved cases (and rejected ones' dates) from the byStatus
 * index page by page, folding each page into the metrics as it arrives, so that memory holds one
 * page of each query and the fold's state (see createMetricsFold), not every case; then stores the
 * snapshot as the latest and in the history. A run that fails before `save` leaves the last good
 * snapshot in place.
 */
export async function aggregateMetrics(deps: { metrics: MetricsStore; now: () => Date }): Promise<StoredSnapshot & { readCapacity: number }> {
  const asOf = deps.now().toISOString();
  const metrics = createMetricsFold();
  const [approvedCapacity, rejectedCapacity, statusCounts] = await Promise.all([
    fold(deps.metrics.approvedCases(), metrics.add),
    fold(deps.metrics.decisionTimes('rejected'), metrics.addRejected),
    deps.metrics.statusCounts(),
  ]);
  const snapshot = metrics.result({ statusCounts, asOf, generatedAt: deps.now().toISOString() });
  const stored = await deps.metrics.save(snapshot);
  return { ...stored, readCapacity: approvedCapacity + rejectedCapacity };
}
