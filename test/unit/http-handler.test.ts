import { DynamoDBServiceException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { RouteKey } from '../../infra/routes';
import { NotFound } from '../../shared/core/errors';
import { httpHandler } from '../../shared/adapters/http/handler';
import { json } from '../../shared/adapters/http/response';
import submitEvent from '../../events/submit-case.json';

const event = (overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 => ({
  ...(submitEvent as unknown as APIGatewayProxyEventV2),
  routeKey: 'GET /metrics',
  body: undefined,
  ...overrides,
});

const call = async (handler: ReturnType<typeof httpHandler>, e: APIGatewayProxyEventV2) =>
  (await handler(e, {} as Context)) as APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

describe('the HTTP error boundary', () => {
  it('answers a domain error as problem+json in the language of Accept-Language', async () => {
    const handler = httpHandler({ 'GET /metrics': async () => { throw new NotFound(); } });
    const result = await call(handler, event({ headers: { 'Accept-Language': 'en-US,en;q=0.8' } }));
    expect(result.statusCode).toBe(404);
    expect(result.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(String(result.body))).toEqual({
      type: 'urn:hub-intake:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'The resource does not exist or the link is not valid.',
    });
  });

  it('answers a DynamoDB validation error with a 500 that says nothing, not a 503 that invites a retry', async () => {
    const invalid = new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata: {}, message: 'Size of hashkey has exceeded the maximum size limit' });
    const handler = httpHandler({ 'GET /metrics': async () => { throw invalid; } });
    const result = await call(handler, event());
    expect(result.statusCode).toBe(500);
    expect(String(result.body)).not.toContain('hashkey');
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    const retried = await call(httpHandler({ 'GET /metrics': async () => { throw throttled; } }), event());
    expect(retried.statusCode).toBe(503);
  });

  it('answers a browser with an HTML page of the same status', async () => {
    const handler = httpHandler({ 'GET /metrics': async () => { throw new NotFound(); } });
    const result = await call(handler, event({ headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'it' } }));
    expect(result.statusCode).toBe(404);
    expect(result.headers['Content-Type']).toContain('text/html');
    expect(result.body).toContain('Non trovato');
  });

  it('turns DynamoDB throttling into 503 with Retry-After, saying nothing internal', async () => {
    const handler = httpHandler({
      'GET /metrics': async () => { throw new ProvisionedThroughputExceededException({ message: 'table hub-intake-secret is hot', $metadata: {} }); },
    });
    const result = await call(handler, event());
    expect(result.statusCode).toBe(503);
    expect(result.headers['Retry-After']).toBe('5');
    expect(result.body).not.toContain('hub-intake-secret');
  });

  it('turns an unexpected error into a 500 that names nothing internal', async () => {
    const handler = httpHandler({ 'GET /metrics': async () => { throw new TypeError('cannot read x of undefined at /var/task/index.js'); } });
    const result = await call(handler, event({ headers: { 'accept-language': 'en' } }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(String(result.body)).detail).toBe('An unexpected error occurred. It has been logged and will be looked at.');
    expect(result.body).not.toMatch(/TypeError|var\/task/);
  });

  it('adds the route’s response headers to errors as well as to answers', async () => {
    const handler = httpHandler({
      'GET /metrics': async (request) => {
        request.responseHeaders['Access-Control-Allow-Origin'] = 'https://www.ieo.it';
        if (request.query.fail) throw new NotFound();
        return json(200, { ok: true });
      },
    });
    const ok = await call(handler, event());
    const failed = await call(handler, event({ queryStringParameters: { fail: '1' } }));
    expect(ok.headers['Access-Control-Allow-Origin']).toBe('https://www.ieo.it');
    expect(failed.headers['Access-Control-Allow-Origin']).toBe('https://www.ieo.it');
  });
});

describe('the origin check', () => {
  const SECRET = 'a'.repeat(31) + 'Z'.repeat(33);
  const routes = { 'GET /metrics': async () => json(200, { ok: true }) };

  const withSecret = async <T>(value: string | undefined, run: () => Promise<T>): Promise<T> => {
    const before = process.env.ORIGIN_VERIFY_SECRET;
    if (value === undefined) delete process.env.ORIGIN_VERIFY_SECRET;
    else process.env.ORIGIN_VERIFY_SECRET = value;
    try {
      return await run();
    } finally {
      if (before === undefined) delete process.env.ORIGIN_VERIFY_SECRET;
      else process.env.ORIGIN_VERIFY_SECRET = before;
    }
  };

  it('refuses a request without the origin header with 403 problem+json, before any route runs', async () => {
    let ran = false;
    const handler = httpHandler({ 'GET /metrics': async () => { ran = true; return json(200, {}); } });
    const result = await withSecret(SECRET, () => call(handler, event({ headers: { 'accept-language': 'en' } })));
    expect(result.statusCode).toBe(403);
    expect(result.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(String(result.body))).toMatchObject({ type: 'urn:hub-intake:problem:forbidden', status: 403, detail: "Requests must come through the Hub's public address." });
    expect(ran).toBe(false);
  });

  it('refuses a wrong value, a prefix of the right one and the right one with something added, and answers in Italian too', async () => {
    const handler = httpHandler(routes, { pages: true });
    for (const wrong of ['', 'x', SECRET.slice(0, -1), `${SECRET}a`, SECRET.toLowerCase(), ` ${SECRET}`]) {
      const result = await withSecret(SECRET, () => call(handler, event({ headers: { 'X-Origin-Verify': wrong, 'accept-language': 'it' } })));
      expect(result.statusCode, JSON.stringify(wrong)).toBe(403);
      expect(JSON.parse(String(result.body)).title).toBe('Accesso negato');
      expect(result.body).not.toContain(SECRET);
    }
  });

  it('lets the request through with the right value, whatever the header’s case', async () => {
    const handler = httpHandler(routes);
    for (const name of ['x-origin-verify', 'X-Origin-Verify']) {
      const result = await withSecret(SECRET, () => call(handler, event({ headers: { [name]: SECRET } })));
      expect(result.statusCode, name).toBe(200);
    }
  });

  it('checks nothing where no secret is configured, as in the embedded runtime', async () => {
    const result = await withSecret(undefined, () => call(httpHandler(routes), event({ headers: {} })));
    expect(result.statusCode).toBe(200);
  });
});

describe('route keys', () => {
  it('are those of infra/routes.ts: a handler for a route that does not exist, or of another function, does not compile', () => {
    const ok = async () => json(200, {});
    // @ts-expect-error: no route `GET /nowhere` in ROUTES
    const unknown = httpHandler({ 'GET /nowhere': ok });
    // @ts-expect-error: `GET /metrics` is a route of get-metrics, not of get-case-status
    const another = httpHandler<RouteKey<'get-case-status'>>({ 'GET /cases/{id}': ok, 'GET /metrics': ok });
    // @ts-expect-error: get-metrics serves four routes; a handler with one of them misses three
    const missing = httpHandler<RouteKey<'get-metrics'>>({ 'GET /metrics': ok });
    const all = httpHandler<RouteKey<'get-catalog'>>({
      'GET /catalog': ok, 'GET /catalog.csv': ok, 'GET /catalog.xlsx': ok, 'GET /catalog.questionnaire-responses.json': ok, 'GET /catalog.dha.json': ok,
    });
    for (const handler of [unknown, another, missing, all]) expect(handler).toBeTypeOf('function');
  });
});
