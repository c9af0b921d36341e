/**
 * Summary statistics of timing samples. Pure, so the harness's arithmetic is unit-tested
 * (test/unit/bench-helpers.test.ts) apart from the measurements.
 */

/** The `p`-th percentile (0 < p <= 100) by the nearest-rank method: a value that was observed. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is outside (0, 100]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median: the mean of the two middle values for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** What the report keeps of a series of timings, in milliseconds. */
export interface TimingSummary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): TimingSummary {
  return {
    n: samples.length,
    min: Math.min(...samples),
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    mean: samples.reduce((sum, value) => sum + value, 0) / samples.length,
  };
}

/** `value / reference`, rounded to 3 decimals for the report. */
export const ratio = (value: number, reference: number): number => Math.round((value / reference) * 1000) / 1000;

/** Rounds for display and for results.json: enough digits to compare runs, no float noise. */
export const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
