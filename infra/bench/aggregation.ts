import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { aggregateMetrics } from '../../shared/app/aggregate';
import { computeMetrics, type MetricCase } from '../../shared/core/metrics';
import { METRIC_ATTRIBUTES } from '../../shared/adapters/dynamodb/metrics-store';
import { INDEX, keys, STATUS_INDEX_ATTRIBUTES } from '../../shared/adapters/dynamodb/keys';
import { queryAll } from '../../shared/adapters/dynamodb/query';
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
  /** The client's heap during more (untimed) `aggregateMetrics` runs, as `samplePeakHeap` measures it. */
  heap: HeapFigures;
  /** The same for the former way, every approved case read into memory (queryAll) and then counted: for comparison. */
  heapHoldingAll: HeapFigures;
}

/** The heap of this process during a run, in bytes. */
export interface HeapPeak {
  /** `heapUsed` after two full collections, just before the run. */
  idle: number;
  /** The highest `heapUsed` seen during the run. */
  peak: number;
  /** The highest `arrayBuffers` (memory outside the JS heap: response buffers, typed arrays) seen during the run. */
  peakArrayBuffers: number;
  /** How many times the heap was sampled. */
  samples: number;
}

/** Two runs: `sampled` lets the collector be, so its peak counts garbage; `live` collects before each sample. */
export interface HeapFigures {
  sampled: HeapPeak;
  live: HeapPeak;
}

/**
 * `global.gc`: node's own when started with --expose-gc, otherwise exposed now (V8 lets the flag
 * be set at run time; a new context then has `gc` among its globals).
 */
function collector(): () => void {
  const own = (globalThis as { gc?: () => void }).gc;
  if (own) return own;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Runs `run` and samples `process.memoryUsage()` during it, after two full collections (the idle
 * heap). Samples are taken before and after every call the document client sends (after: the
 * moment a page is in memory both as received and as returned) and, unless `live`, every
 * millisecond the event loop allows. Without `live` the peak counts garbage not yet collected,
 * which depends on when V8 chooses to collect; with `live` each sample follows a full collection,
 * so the peak is of the memory the run holds: what must fit in the function's memory.
 */
async function samplePeakHeap(table: BenchTable, run: () => Promise<unknown>, live: boolean): Promise<HeapPeak> {
  const gc = collector();
  gc();
  gc();
  const idle = process.memoryUsage().heapUsed;
  const heap: HeapPeak = { idle, peak: idle, peakArrayBuffers: 0, samples: 0 };
  const sample = () => {
    if (live) gc();
    const usage = process.memoryUsage();
    heap.peak = Math.max(heap.peak, usage.heapUsed);
    heap.peakArrayBuffers = Math.max(heap.peakArrayBuffers, usage.arrayBuffers);
    heap.samples += 1;
  };
  sampling = sample;
  const timer = live ? undefined : setInterval(sample, 1);
  try {
    await run();
  } finally {
    clearInterval(timer);
    sampling = undefined;
  }
  return heap;
}

const heapFigures = async (table: BenchTable, run: () => Promise<unknown>): Promise<HeapFigures> => ({
  sampled: await samplePeakHeap(table, run, false),
  live: await samplePeakHeap(table, run, true),
});

/** The sampler of the run being measured, called by the middleware `addHeapSampling` adds. */
let sampling: (() => void) | undefined;

function addHeapSampling(table: BenchTable): void {
  table.doc.middlewareStack.add(
    (next) => async (args) => {
      sampling?.();
      const output = await next(args);
      sampling?.();
      return output;
    },
    { step: 'initialize', name: 'benchHeapSampling' },
  );
}

/** The aggregation as it was before the fold: every approved case read into one array, then counted. */
async function aggregateHoldingAll(table: BenchTable): Promise<number> {
  const { items } = await queryAll(table.doc, {
    TableName: table.tableName,
    IndexName: INDEX.byStatus,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.statusPartition('approved') },
    ProjectionExpression: METRIC_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(METRIC_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
  });
  const at = new Date().toISOString();
  return computeMetrics({ approved: items as unknown as MetricCase[], rejected: [], statusCounts: {}, asOf: at, generatedAt: at }).casesConsidered;
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
 * real metrics store, once unrecorded and `repeats` times timed; then its peak heap is sampled in
 * two more runs, and the former way's (every case held) in two others. dynalite runs in a child process
 * unless `ownProcess` is false: at 100,000 cases its store would otherwise share this process's
 * heap and thread with the client being timed.
 */
export async function measureAggregation(sizes: readonly number[], repeats: number, onProgress: (message: string) => void, ownProcess = true): Promise<AggregationRun[]> {
  const table = await openTable('bench-aggregate', { ownProcess });
  addHeapSampling(table);
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
      const heap = await heapFigures(table, () => aggregateMetrics(deps));
      const heapHoldingAll = await heapFigures(table, () => aggregateHoldingAll(table));
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
        heap,
        heapHoldingAll,
      });
      if (first.snapshot.casesConsidered !== cases) throw new Error(`aggregateMetrics considered ${first.snapshot.casesConsidered} cases, not ${cases}`);
    }
    return runs;
  } finally {
    await table.close();
  }
}
