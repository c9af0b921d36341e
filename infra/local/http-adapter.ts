import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { routeKey, type RouteSpec } from '../routes';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** A compiled route: its spec and a matcher that yields path parameters. */
export interface CompiledRoute {
  spec: RouteSpec;
  match(path: string): Record<string, string> | undefined;
}

export function compileRoute(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const pattern = spec.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      names.push(parameter[1] ?? '');
      return '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${pattern}$`);
  return {
    spec,
    match(path) {
      const found = regex.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      try {
        names.forEach((name, index) => {
          params[name] = decodeURIComponent(found[index + 1] ?? '');
        });
      } catch {
        return undefined; // a malformed escape matches no route, as on API Gateway
      }
      return params;
    },
  };
}

/** Reads a request body, stopping at `limit` bytes: a larger body is refused without buffering it all. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The address of the client, from the socket: the embedded runtime has no proxy in front, so a
 * client's own X-Forwarded-For is never trusted. IPv4 clients of a dual-stack socket are named
 * by their IPv4 address, as API Gateway and AWS WAF name them.
 */
export function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/**
 * The media types whose bodies an HTTP API (payload 2.0) hands to Lambda as text. Everything
 * else, including `application/x-www-form-urlencoded`, `+json` types and a request without a
 * Content-Type, arrives base64-encoded with `isBase64Encoded: true`.
 */
const TEXT_MEDIA_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

/** Whether API Gateway would pass a body of this Content-Type as text rather than base64. */
export function deliveredAsText(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return false;
  return type.startsWith('text/') || TEXT_MEDIA_TYPES.has(type);
}

/**
 * Builds the API Gateway HTTP API (payload 2.0) event that the route's function would get on AWS:
 * lower-cased headers with repeated ones joined by commas, cookies apart, query parameters
 * joined the same way, text bodies (`text/*`, JSON, XML, JavaScript) as they are and anything
 * else base64-encoded, urlencoded forms included, and the client's address as `sourceIp`.
 */
export function toApiGatewayEvent(request: IncomingMessage, url: URL, route: CompiledRoute, pathParameters: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? '').toLowerCase();
    const value = request.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const isText = body.length === 0 || deliveredAsText(headers['content-type']);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route.spec),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: request.headers.cookie ? request.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: clientAddress(request),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKey(route.spec),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** A Lambda context good enough for handlers that only read the request id and remaining time. */
export function localContext(functionName: string, timeoutMs = 10_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-south-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Writes a function's result the way API Gateway would: strings as 200 JSON, base64 bodies decoded. */
export function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2, head: boolean): void {
  if (typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(head ? undefined : result);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(head ? undefined : body);
}
