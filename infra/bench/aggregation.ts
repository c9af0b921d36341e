import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { aggregateMetrics } from '../../shared/domain/aggregate';
import { METRIC_ATTRIBUTES } from '../../shared/store/metrics-store';
import { STATUS_INDEX_ATTRIBUTES } from '../../shared/store/keys';
import { approvedCaseItems } from './cases';
import { benchDeps, openTable, type BenchTable } from './harness';
import { itemSize, minimumReadUnits, projectedItem } from './item-size';
import { median } from './stats';

type Item = Record<string, unknown>;

/** The table's keys and the byStatus index's: every index item carries both. */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
const BATCH = 25;
/** Batches in flight at once while seeding. */
const SEED_CONCURRENCY = 4;
/** Items generated and written per round of seeding, so that 100,000 are never all in memory. */
const SEED_CHUNK = 2_000;

/** Byte counts of the seeded items, by the DynamoDB size rules. */
export interface SeededBytes {
  /** Whole case items in the table. */
  table: number;
  /** The items as the byStatus index holds them: keys and the STATUS_INDEX_ATTRIBUTES projection. */
  index: number;
  /** The same with only METRIC_ATTRIBUTES projected: what an index made for the aggregation would hold. */
  metricOnly: number;
}

/** One size of the aggregation figure. */
export interface AggregationRun {
  cases: number;
  /** Time to write the cases added for this size, and how many were added. */
  seed: { added: number; ms: number; itemsPerSecond: number; generateMs: number };
  /** `aggregateMetrics` wall times, in milliseconds (after one unrecorded run). */
  samples: number[];
  medianMs: number;
  perCaseMs: number;
  /** Read capacity `aggregateMetrics` reported (ConsumedCapacity summed over its query pages). */
  readCapacity: number;
  bytes: SeededBytes;
  /** Least capacity for the index items read, and for a metric-only projection. */
  minimumReadCapacity: number;
  minimumReadCapacityMetricOnly: number;
  casesConsidered: number;
}

/** Writes `items` with BatchWriteItem, `SEED_CONCURRENCY` batches at a time, retrying unprocessed items. */
async function batchWrite(table: BenchTable, items: Item[]): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
}

/** Adds approved cases `from` to `to - 1` to the table; returns the time spent and their sizes. */
async function seed(table: BenchTable, from: number, to: number, bytes: SeededBytes): Promise<AggregationRun['seed']> {
  let ms = 0;
  let generateMs = 0;
  for (let start = from; start < to; start += SEED_CHUNK) {
    const generated = performance.now();
    const items = await approvedCaseItems(start, Math.min(to, start + SEED_CHUNK));
    for (const item of items) {
      bytes.table += itemSize(item);
      bytes.index += itemSize(projectedItem(item, KEY_ATTRIBUTES, STATUS_INDEX_ATTRIBUTES));
      bytes.metricOnly += itemSize(projectedItem(item, KEY_ATTRIBUTES, METRIC_ATTRIBUTES));
    }
    const written = performance.now();
    generateMs += written - generated;
    await batchWrite(table, items);
    ms += performance.now() - written;
  }
  return { added: to - from, ms, itemsPerSecond: ((to - from) / ms) * 1000, generateMs };
}

/**
 * Aggregation time and read capacity for growing numbers of approved cases: the table grows from
 * one size to the next (only the difference is written), then `aggregateMetrics` runs with the
 * real metrics store, once unrecorded and `repeats` times timed. dynalite runs in a child process
 * unless `ownProcess` is false: at 100,000 cases its store would otherwise share this process's
 * heap and thread with the client being timed.
 */
export async function measureAggregation(sizes: readonly number[], repeats: number, onProgress: (message: string) => void, ownProcess = true): Promise<AggregationRun[]> {
  const table = await openTable('bench-aggregate', { ownProcess });
  try {
    const deps = benchDeps(table);
    const bytes: SeededBytes = { table: 0, index: 0, metricOnly: 0 };
    const runs: AggregationRun[] = [];
    let seeded = 0;
    for (const cases of [...sizes].sort((a, b) => a - b)) {
      const seedResult = await seed(table, seeded, cases, bytes);
      seeded = cases;
      onProgress(`seeded ${cases} approved cases (+${seedResult.added} in ${(seedResult.ms / 1000).toFixed(1)} s)`);
      const first = await aggregateMetrics(deps);
      const samples: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const started = performance.now();
        await aggregateMetrics(deps);
        samples.push(performance.now() - started);
      }
      const medianMs = median(samples);
      runs.push({
        cases,
        seed: seedResult,
        samples,
        medianMs,
        perCaseMs: medianMs / cases,
        readCapacity: first.readCapacity,
        bytes: { ...bytes },
        minimumReadCapacity: minimumReadUnits(bytes.index),
        minimumReadCapacityMetricOnly: minimumReadUnits(bytes.metricOnly),
        casesConsidered: first.snapshot.casesConsidered,
      });
      if (first.snapshot.casesConsidered !== cases) throw new Error(`aggregateMetrics considered ${first.snapshot.casesConsidered} cases, not ${cases}`);
    }
    return runs;
  } finally {
    await table.close();
  }
}
