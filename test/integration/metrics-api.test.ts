import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { startTestRuntime } from '../support/runtime';
import { waitFor } from '../support/wait';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

const aggregate = async () => {
  const response = await fetch(`${runtime.url}/_local/aggregate`, { method: 'POST' });
  expect(response.status).toBe(200);
  return (await response.json()) as { generatedAt: string; headline: Record<string, number> };
};

describe('GET /metrics', () => {
  it('answers 404 problem+json before the first aggregation', async () => {
    const response = await fetch(`${runtime.url}/metrics`, { headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves the latest snapshot with an ETag, and 304 to a client that has it', async () => {
    const snapshot = await aggregate();
    const response = await fetch(`${runtime.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(snapshot);
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers.get('cache-control')).toContain('max-age=60');
    const again = await fetch(`${runtime.url}/metrics`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${runtime.url}/metrics`, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it('lists earlier snapshots newest first, a page at a time', async () => {
    const earlier = await aggregate();
    // Snapshots are named by their time in milliseconds: the next one must come in a later millisecond, however fast the machine.
    await waitFor('a later millisecond', () => Date.now() > Date.parse(earlier.generatedAt));
    const last = await aggregate();
    const first = (await (await fetch(`${runtime.url}/metrics/history?limit=2`)).json()) as { items: { generatedAt: string }[]; next?: string };
    expect(first.items).toHaveLength(2);
    expect(first.items[0]?.generatedAt).toBe(last.generatedAt);
    expect(first.items[0]!.generatedAt > first.items[1]!.generatedAt).toBe(true);
    expect(first.next).toMatch(/^\/metrics\/history\?limit=2&cursor=/);
    const second = (await (await fetch(`${runtime.url}${first.next}`)).json()) as { items: { generatedAt: string }[] };
    expect(second.items.length).toBeGreaterThanOrEqual(1);
    expect(second.items[0]!.generatedAt < first.items[1]!.generatedAt).toBe(true);
  });

  it('refuses a page size out of range with a 400 in the caller’s language', async () => {
    const response = await fetch(`${runtime.url}/metrics/history?limit=1000`, { headers: { 'accept-language': 'it' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain('limit deve essere un intero');
  });
});
