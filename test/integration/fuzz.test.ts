import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { partnerKey, startTestRuntime, validCase } from '../support/runtime';

/**
 * Generated requests against the very handlers of POST /cases and of the review and status links.
 * Every write to the table is attributed to the request whose async context made it, so a refused
 * request can be shown to have written nothing at all.
 */
const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);
const context = new AsyncLocalStorage<{ writes: number }>();
const originalSend = DynamoDBDocumentClient.prototype.send;

let runtime: Runtime;
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let submit: Handler;
let status: Handler;
let review: Handler;
/** humanitas's key, which most generated requests carry (the rest carry none, or a forged one). */
let key: string;

beforeAll(async () => {
  vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, ...args: Parameters<DynamoDBDocumentClient['send']>) {
    const store = context.getStore();
    if (store && WRITES.has((args[0] as object).constructor.name)) store.writes += 1;
    return (originalSend as (...a: unknown[]) => unknown).apply(this, args) as ReturnType<DynamoDBDocumentClient['send']>;
  } as DynamoDBDocumentClient['send']);
  runtime = await startTestRuntime({ REVIEWERS: 'anna.bianchi@hub.example.org' });
  submit = (await import('../../functions/submit-case/handler')).handler as unknown as Handler;
  status = (await import('../../functions/get-case-status/handler')).handler as unknown as Handler;
  review = (await import('../../functions/review-case/handler')).handler as unknown as Handler;
  key = await partnerKey(runtime);
});
afterAll(async () => {
  await runtime?.close();
  vi.restoreAllMocks();
});

function event(routeKey: string, options: { headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; query?: Record<string, string>; path?: Record<string, string> }): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    queryStringParameters: options.query,
    pathParameters: options.path,
    requestContext: {
      accountId: '000000000000', apiId: 'fuzz', domainName: 'localhost', domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'fuzz', routeKey, stage: '$default', time: '', timeEpoch: 0,
    },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** Runs a handler in its own async context; returns its answer and the writes it made. */
async function call(handler: Handler, e: APIGatewayProxyEventV2) {
  const store = { writes: 0 };
  const result = await context.run(store, () => handler(e, {} as Context));
  return { status: result.statusCode ?? 200, writes: store.writes, body: result.body ?? '' };
}

const tally = new Map<number, number>();
const count = (statusCode: number) => tally.set(statusCode, (tally.get(statusCode) ?? 0) + 1);

/** A submission that may be valid, nearly valid, or nonsense. */
const fieldValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
  fc.constantFrom('telex', 'need', 'televisita', 'cardiology', 'x'.repeat(6000), '__proto__', '<script>alert(1)</script>', '\u0000'),
);
const mutatedCase = fc
  .record({
    base: fc.constant(null).map(() => validCase()),
    drop: fc.subarray(['partner', 'kind', 'title', 'summary', 'facility', 'contact', 'telexServices', 'clinicalAreas', 'consent']),
    replace: fc.dictionary(fc.constantFrom('partner', 'kind', 'title', 'summary', 'facility', 'contact', 'telexServices', 'clinicalAreas', 'patientsImpacted', 'startDate', 'consent', 'language', 'website', 'extra', 'constructor'), fieldValue, { maxKeys: 3 }),
  })
  .map(({ base, drop, replace }) => {
    const body: Record<string, unknown> = { ...base };
    for (const key of drop) delete body[key];
    return { ...body, ...replace };
  });
const jsonBody = fc.oneof(
  { weight: 3, arbitrary: mutatedCase.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constant(null).map(() => JSON.stringify(validCase())) },
);
const formBody = fc.oneof(
  fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), { maxLength: 12 }).map((pairs) => new URLSearchParams(pairs).toString()),
  mutatedCase.map((value) => {
    const params = new URLSearchParams();
    for (const [key, item] of Object.entries(value)) {
      if (Array.isArray(item)) item.forEach((v) => params.append(key, String(v)));
      else if (item && typeof item === 'object') for (const [k, v] of Object.entries(item)) params.append(`${key}.${k}`, String(v));
      else params.append(key, String(item));
    }
    return params.toString();
  }),
);
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'APPLICATION/JSON') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const request = fc.record({
  contentType,
  json: jsonBody,
  form: formBody,
  useForm: fc.boolean(),
  base64: fc.boolean(),
  language: fc.option(fc.oneof(fc.constantFrom('it', 'en', 'en-GB,en;q=0.9', 'de', '*'), fc.string({ maxLength: 30 }))),
  accept: fc.option(fc.constantFrom('text/html', 'application/json', '*/*')),
  idempotencyKey: fc.option(fc.oneof(fc.string({ maxLength: 140 }), fc.uuid())),
  origin: fc.option(fc.constantFrom('https://www.humanitas.it', 'https://evil.example', 'null', 'http://localhost:1234')),
  oversize: fc.integer({ min: 0, max: 40 }),
  authorization: fc.oneof(
    { weight: 6, arbitrary: fc.constant('the key') },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom(`Bearer hub_ieo_AAAAAAAAAAAA_${'A'.repeat(43)}`, 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer hub_humanitas_${'B'.repeat(12)}_${'C'.repeat(43)}`) },
  ),
});

describe('POST /cases under generated input', () => {
  it('never answers 5xx and writes nothing for any request it refuses (8,000 requests)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let body = r.useForm ? r.form : r.json;
        if (r.oversize === 0) body = body + ' '.repeat(70 * 1024);
        const headers: Record<string, string> = { 'content-type': r.contentType };
        if (r.language !== null) headers['accept-language'] = r.language;
        if (r.accept !== null) headers.accept = r.accept;
        if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey;
        if (r.origin !== null) headers.origin = r.origin;
        if (r.authorization !== null) headers.authorization = r.authorization === 'the key' ? `Bearer ${key}` : r.authorization;
        const answer = await call(
          submit,
          event('POST /cases', { headers, body: r.base64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: r.base64 }),
        );
        count(answer.status);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.writes).toBe(0);
      }),
      { numRuns: 8000, seed: 20261127 },
    );
    const figures = [...tally.entries()].sort(([a], [b]) => a - b).map(([code, n]) => `${code}: ${n}`).join(', ');
    console.log(`fuzz POST /cases: ${figures}`);
    expect([...tally.keys()].every((code) => code < 500)).toBe(true);
    expect(tally.get(201)).toBeGreaterThan(0);
    expect(tally.get(422)).toBeGreaterThan(0);
    expect(tally.get(401)).toBeGreaterThan(0);
  }, 300_000);
});

describe('forged links under generated input', () => {
  it('opens nothing, changes nothing and never fails for 2,000 forged status, review and decision links', async () => {
    const link = fc.oneof(fc.string({ maxLength: 80 }), fc.base64String({ maxLength: 64 }), fc.constantFrom('', '..', '%00', 'A'.repeat(43), '\u202e'));
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(link, link, fc.constantFrom('status', 'review-get', 'review-post'), async (id, token, kind) => {
        const answer =
          kind === 'status'
            ? await call(status, event('GET /cases/{id}', { path: { id }, query: { token } }))
            : kind === 'review-get'
              ? await call(review, event('GET /review/{reviewId}', { path: { reviewId: id } }))
              : await call(review, event('POST /review/{reviewId}', { path: { reviewId: id }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `decision=approve&comment=${encodeURIComponent(token)}` }));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status).toBe(404);
        expect(answer.writes).toBe(0);
      }),
      { numRuns: 2000, seed: 20261127 },
    );
    console.log(`fuzz links: ${[...statuses.entries()].map(([code, n]) => `${code}: ${n}`).join(', ')}`);
  }, 120_000);
});
