import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { CASE_SHAPE } from '../../shared/core/case';
import { partnerKey, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/**
 * Field names that are properties of Object.prototype, and random ones, in form and edit posts:
 * never a 5xx, never a prototype touched, nothing written by a refused request. Every write to
 * the table is attributed to the request whose async context made it, as in fuzz.test.ts.
 */
const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);
const context = new AsyncLocalStorage<{ writes: number }>();
const originalSend = DynamoDBDocumentClient.prototype.send;
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const REVIEWER = 'anna.bianchi@hub.example.org';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let runtime: Runtime;
let submit: Handler;
let amend: Handler;
let edit: { id: string; token: string; statusUrl: string };

/** The fields of a valid case as a urlencoded form: dotted names for nesting, repeated keys for lists. */
function formOf(input: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (Array.isArray(value)) value.forEach((item) => params.append(key, String(item)));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) params.append(`${key}.${k}`, String(v));
    else params.append(key, String(value));
  }
  return params;
}

function event(routeKey: string, options: { body: string; headers: Record<string, string>; path?: Record<string, string>; rawPath?: string; query?: Record<string, string> }): APIGatewayProxyEventV2 {
  const [method = 'POST', path = '/'] = routeKey.split(' ');
  const rawPath = options.rawPath ?? path;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers,
    queryStringParameters: options.query,
    pathParameters: options.path,
    requestContext: {
      accountId: '000000000000', apiId: 'names', domainName: 'localhost', domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'names' },
      requestId: 'names', routeKey, stage: '$default', time: '', timeEpoch: 0,
    },
    body: options.body,
    isBase64Encoded: false,
  };
}

async function call(handler: Handler, e: APIGatewayProxyEventV2) {
  const store = { writes: 0 };
  const result = await context.run(store, () => handler(e, {} as Context));
  return { status: result.statusCode ?? 200, writes: store.writes, body: result.body ?? '' };
}

const FORM = 'application/x-www-form-urlencoded';

/** A form post to POST /cases of a valid case plus one extra field. */
/** humanitas's key, made once the runtime is up. */
let authorization = '';

const postCase = (name: string, accept: string) => {
  const body = formOf(validCase());
  body.append(name, 'x');
  // With the partner's key, so that the post reaches decoding and validation.
  return call(submit, event('POST /cases', { body: body.toString(), headers: { 'content-type': FORM, accept, authorization } }));
};

/** An edit post of the case sent back, valid but for one extra field. */
const postEdit = (name: string, accept: string) => {
  const body = formOf(validCase({ language: 'en' }));
  body.append(name, 'x');
  return call(
    amend,
    event('POST /cases/{id}/edit', {
      body: body.toString(),
      headers: { 'content-type': FORM, accept },
      path: { id: edit.id },
      rawPath: `/cases/${edit.id}/edit`,
      query: { token: edit.token },
    }),
  );
};

/** Plain and dotted forms of a name: `toString`, `toString.x`, `facility.toString`, `contact.toString`. */
const spellings = (name: string) => [name, `${name}.x`, `facility.${name}`, `contact.${name}`];

function expectPrototypeUntouched() {
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(PROTOTYPE_NAMES);
  expect(Object.keys({})).toEqual([]);
  for (const name of PROTOTYPE_NAMES) expect(typeof Object.getOwnPropertyDescriptor(Object.prototype, name)).toBe('object');
  expect(({} as Record<string, unknown>).x).toBeUndefined();
}

beforeAll(async () => {
  vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, ...args: Parameters<DynamoDBDocumentClient['send']>) {
    const store = context.getStore();
    if (store && WRITES.has((args[0] as object).constructor.name)) store.writes += 1;
    return (originalSend as (...a: unknown[]) => unknown).apply(this, args) as ReturnType<DynamoDBDocumentClient['send']>;
  } as DynamoDBDocumentClient['send']);
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600', AMEND_WINDOW_SECONDS: '600' });
  submit = (await import('../../functions/submit-case/handler')).handler as unknown as Handler;
  amend = (await import('../../functions/amend-case/handler')).handler as unknown as Handler;

  // One case sent back with changes, so that its edit link takes posts.
  const input = validCase({ language: 'en' });
  authorization = `Bearer ${await partnerKey(runtime)}`;
  const created = await fetch(`${runtime.url}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(input) });
  expect(created.status).toBe(201);
  const { id, reference, statusUrl } = (await created.json()) as { id: string; reference: string; statusUrl: string };
  const reviewMail = await waitFor('the review mail', () => runtime.mails().find((mail) => mail.to.includes(REVIEWER) && mail.subject.includes(reference)));
  const reviewLink = reviewMail.text.match(/(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/)?.[1] ?? '';
  const decided = await fetch(reviewLink, { method: 'POST', headers: { 'content-type': FORM }, body: new URLSearchParams({ decision: 'changes', comment: 'Add the code.' }).toString() });
  expect(decided.status).toBe(200);
  const email = (input.contact as { email: string }).email;
  const changes = await waitFor('the edit link', () => runtime.mails().find((mail) => mail.to.includes(email) && /\/edit\?token=/.test(mail.text)));
  const token = decodeURIComponent(changes.text.match(/\/edit\?token=([^\s&]+)/)?.[1] ?? '');
  await waitFor('the case sent back', async () => {
    const status = (await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string };
    return status.status === 'changes_requested';
  });
  edit = { id, token, statusUrl };
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  vi.restoreAllMocks();
});

describe('field names of Object.prototype', () => {
  it.each(['text/html', 'application/json'])('are refused in form posts to POST /cases with 400 or 422 and write nothing (Accept: %s)', async (accept) => {
    for (const name of PROTOTYPE_NAMES.flatMap(spellings)) {
      const answer = await postCase(name, accept);
      expect({ name, status: answer.status, writes: answer.writes }).toEqual({ name, status: expect.toBeOneOf([400, 422]), writes: 0 });
    }
    expectPrototypeUntouched();
  });

  it('are reported as unknown fields, with the page of the form in the answer', async () => {
    const answer = await postCase('toString', 'text/html');
    expect(answer.status).toBe(422);
    expect(answer.body).toContain('<form method="post"');
    expect(answer.body).toMatch(/toString/);
  });

  it.each(['text/html', 'application/json'])('are refused in edit posts with 400 or 422, write nothing and leave the link open (Accept: %s)', async (accept) => {
    for (const name of PROTOTYPE_NAMES.flatMap(spellings)) {
      const answer = await postEdit(name, accept);
      expect({ name, status: answer.status, writes: answer.writes }).toEqual({ name, status: expect.toBeOneOf([400, 422]), writes: 0 });
    }
    expectPrototypeUntouched();
    const status = (await (await fetch(edit.statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string };
    expect(status.status).toBe('changes_requested');
    expect((await fetch(`${runtime.url}/cases/${edit.id}/edit?token=${encodeURIComponent(edit.token)}`)).status).toBe(200);
  });
});

/** A name that is no field of a case (nor the honeypot), so that the post must be refused. */
const unknownName = fc
  .oneof(
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.tuple(fc.constantFrom(...PROTOTYPE_NAMES, 'facility', 'contact', 'x'), fc.string({ maxLength: 12 })).map(([a, b]) => `${a}.${b}`),
    fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTOTYPE_NAMES)).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom(...PROTOTYPE_NAMES).map((name) => `${name}.${name}`),
  )
  .filter((name) => {
    const trimmed = name.trim();
    const head = trimmed.split('.')[0] ?? '';
    return trimmed !== '' && head !== 'website' && !(Object.hasOwn(CASE_SHAPE, head) && !trimmed.includes('.'));
  });

describe('random field names', () => {
  it('never get a 5xx in form posts to POST /cases, and a refused post writes nothing (400 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(unknownName, fc.constantFrom('text/html', 'application/json'), async (name, accept) => {
        const answer = await postCase(name, accept);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.writes).toBe(0);
      }),
      { numRuns: 400, seed: 20261202 },
    );
    expectPrototypeUntouched();
  }, 120_000);

  it('never get a 5xx in edit posts, and a refused post writes nothing (400 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(unknownName, fc.constantFrom('text/html', 'application/json'), async (name, accept) => {
        const answer = await postEdit(name, accept);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.writes).toBe(0);
      }),
      { numRuns: 400, seed: 20261202 },
    );
    expectPrototypeUntouched();
  }, 120_000);
});

describe('GET /assets/{file}', () => {
  it.each(['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf'])('answers 404 to %s', async (file) => {
    const answer = await fetch(`${runtime.url}/assets/${file}`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).not.toBe('undefined');
  });

  it('serves its own files', async () => {
    const answer = await fetch(`${runtime.url}/assets/hub.css`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});
