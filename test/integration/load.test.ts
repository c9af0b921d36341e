import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createCaseStore } from '../../shared/store/case-store';
import { createDocumentClient } from '../../shared/store/clients';
import { startTestRuntime, validCase } from '../support/runtime';

/** The throttle of this runtime, below what the clients offer (the embedded runtime serves about 30-40 submissions/s on one core). */
const RATE = 25;
const BURST = 25;
const CLIENTS = 16;
/** Each client sends one request every PACE_MS: about 55 requests/s offered in all. */
const PACE_MS = 290;
const REQUESTS = 2000;

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({ THROTTLE_RATE: String(RATE), THROTTLE_BURST: String(BURST), REVIEWERS: 'anna.bianchi@hub.example.org' });
});
afterAll(async () => {
  await runtime?.close();
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

describe('the embedded runtime under load', () => {
  it(`stores every accepted one of ${REQUESTS} submissions from ${CLIENTS} clients, never fails, and throttles beyond the rate`, async () => {
    const statuses = new Map<number, number>();
    const accepted: { id: string; reference: string }[] = [];
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < REQUESTS) {
          next += 1;
          const begin = performance.now();
          const pace = new Promise((resolve) => setTimeout(resolve, PACE_MS));
          const response = await fetch(`${runtime.url}/cases`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(validCase({ title: `Caso di carico ${next}` })),
          });
          latencies.push(performance.now() - begin);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 201) accepted.push((await response.json()) as { id: string; reference: string });
          else await response.arrayBuffer();
          await pace;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `load: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s) from ${CLIENTS} clients, throttle ${RATE}/s burst ${BURST}: ` +
        `${[...statuses.entries()].map(([code, n]) => `${code}: ${n}`).join(', ')}; latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    expect([...statuses.keys()].filter((code) => code >= 500)).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual([201, 429]);
    expect(statuses.get(429)).toBeGreaterThan(0);

    // Every 201 is a stored case, read straight from the table.
    const cases = createCaseStore(createDocumentClient(process.env.DYNAMODB_ENDPOINT), process.env.TABLE_NAME ?? '');
    let stored = 0;
    for (const { id, reference } of accepted) if ((await cases.get(id))?.reference === reference) stored += 1;
    console.log(`load: ${accepted.length} accepted, ${stored} found stored`);
    expect(stored).toBe(accepted.length);
  }, 180_000);
});
