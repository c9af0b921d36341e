import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { startTestRuntime } from '../support/runtime';

const LIMIT = 10;
const WINDOW_SECONDS = 60;

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({ EDGE_RATE_LIMIT: String(LIMIT), EDGE_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS) });
});
afterAll(async () => {
  await runtime?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from a chosen loopback address: each 127.x.y.z is another client. */
function send(from: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const { port } = new URL(runtime.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers, localAddress: from, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const submit = (from: string, headers: Record<string, string> = {}) =>
  send(from, 'POST', '/cases', { 'content-type': 'application/json', ...headers }, '{}');

describe('the rate limit per client address of the embedded runtime', () => {
  it('answers 429 problem+json with Retry-After once an address has sent its limit on the counted routes', async () => {
    const client = '127.0.0.11';
    // The counted routes share one count: submissions, review links and edit links, any method.
    const counted = [
      ...Array.from({ length: LIMIT - 4 }, () => submit(client)),
      send(client, 'GET', '/review/unknown-review-link'),
      send(client, 'POST', '/review/unknown-review-link', { 'content-type': 'application/x-www-form-urlencoded' }, 'decision=approve'),
      send(client, 'GET', '/cases/01JNV0000000000000000000AA/edit'),
      send(client, 'HEAD', '/review/unknown-review-link'),
    ];
    const answers = await Promise.all(counted);
    expect(answers.map((a) => a.status)).not.toContain(429);

    const refused = await submit(client, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(JSON.parse(refused.body)).toEqual({
      type: 'urn:hub-intake:problem:rate-limited',
      title: 'Too Many Requests',
      status: 429,
      detail: `Too many requests from this address: please retry in ${retryAfter} seconds.`,
    });

    const italian = await send(client, 'GET', '/cases/01JNV0000000000000000000AA/edit', { 'accept-language': 'it' });
    expect(italian.status).toBe(429);
    expect(JSON.parse(italian.body)).toMatchObject({ title: 'Troppe richieste', status: 429 });
    expect(italian.headers['content-language']).toBe('it');
  });

  it('does not count or refuse the other routes', async () => {
    const client = '127.0.0.12';
    for (let i = 0; i < LIMIT; i += 1) expect((await submit(client)).status).not.toBe(429);
    const others = await Promise.all([
      ...Array.from({ length: LIMIT + 5 }, () => send(client, 'GET', '/cases/01JNV0000000000000000000AA')),
      send(client, 'GET', '/form?partner=humanitas'),
      send(client, 'OPTIONS', '/cases', { origin: 'https://www.humanitas.it', 'access-control-request-method': 'POST' }),
    ]);
    expect(others.map((a) => a.status)).not.toContain(429);
    expect((await submit(client)).status).toBe(429);
  });

  it('limits each address on its own and trusts no X-Forwarded-For from the client', async () => {
    const client = '127.0.0.13';
    for (let i = 0; i < LIMIT; i += 1) await submit(client);
    expect((await submit(client, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
    expect((await submit(client, { 'x-forwarded-for': '127.0.0.14', forwarded: 'for=127.0.0.14' })).status).toBe(429);
    expect((await submit('127.0.0.14')).status).not.toBe(429);
  });
});
