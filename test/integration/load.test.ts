import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv, startRuntime, type Runtime } from '../../infra/local/runtime';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { partnerKey, postCase, validCase } from '../support/runtime';

/**
 * The throttle of this runtime. Its clock is the test's: time passes only between rounds, so
 * however fast or slow the machine serves a round, exactly BURST of its requests are admitted.
 */
const RATE = 25;
const BURST = 25;
/** Each round sends this many requests at once: more than the bucket holds, never fewer. */
const PER_ROUND = BURST + 15;
/** Between rounds the clock moves one second: the bucket refills RATE tokens, up to BURST. */
const TICK_MS = 1000;
const ROUNDS = 20;
const REQUESTS = ROUNDS * PER_ROUND;
const ADMITTED_PER_ROUND = Math.min(BURST, (RATE * TICK_MS) / 1000);

let runtime: Runtime;
let clock = 0;

beforeAll(async () => {
  runtime = await startRuntime({
    ...settingsFromEnv({
      PORT: '0',
      DATA_DIR: 'memory',
      THROTTLE_RATE: String(RATE),
      THROTTLE_BURST: String(BURST),
      EDGE_RATE_LIMIT: '2000000000',
      REVIEWERS: 'anna.bianchi@hub.example.org',
    }),
    accessLog: false,
    sweepEverySeconds: 3600,
    aggregateEverySeconds: 3600,
    limitClock: () => clock,
  });
});
afterAll(async () => {
  await runtime?.close();
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

describe('the embedded runtime under load', () => {
  it(`stores every accepted one of ${REQUESTS} submissions sent ${PER_ROUND} at once, never fails, and throttles beyond the bucket`, async () => {
    const statuses = new Map<number, number>();
    const accepted: { id: string; reference: string }[] = [];
    const latencies: number[] = [];
    await partnerKey(runtime);
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: PER_ROUND }, async (_, i) => {
          const begin = performance.now();
          const response = await postCase(runtime, validCase({ title: `Caso di carico ${round}-${i}` }));
          latencies.push(performance.now() - begin);
          const body = response.status === 201 ? ((await response.json()) as { id: string; reference: string }) : undefined;
          if (response.status !== 201) {
            const text = await response.text();
            if (response.status !== 429) console.log(`load: ${response.status} ${text}`);
          }
          return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
        }),
      );
      for (const { status, body } of answers) {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (body) accepted.push(body);
      }
      // The bucket's decisions, round by round: BURST admitted, the rest told to retry in a second.
      expect(answers.map((a) => a.status).sort(), `round ${round}`).toEqual([...Array(ADMITTED_PER_ROUND).fill(201), ...Array(PER_ROUND - ADMITTED_PER_ROUND).fill(429)]);
      expect(answers.filter((a) => a.status === 429).map((a) => a.retryAfter)).toEqual(Array(PER_ROUND - ADMITTED_PER_ROUND).fill('1'));
      clock += TICK_MS;
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `load: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s), ${PER_ROUND} at once, throttle ${RATE}/s burst ${BURST}: ` +
        `${[...statuses.entries()].map(([code, n]) => `${code}: ${n}`).join(', ')}; latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    expect(Object.fromEntries(statuses)).toEqual({ 201: ROUNDS * ADMITTED_PER_ROUND, 429: ROUNDS * (PER_ROUND - ADMITTED_PER_ROUND) });

    // Every 201 is a stored case, read straight from the table.
    const cases = createCaseStore(createDocumentClient(process.env.DYNAMODB_ENDPOINT), process.env.TABLE_NAME ?? '');
    let stored = 0;
    for (const { id, reference } of accepted) if ((await cases.get(id))?.reference === reference) stored += 1;
    console.log(`load: ${accepted.length} accepted, ${stored} found stored`);
    expect(stored).toBe(accepted.length);
  }, 300_000);
});
