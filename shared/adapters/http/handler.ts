import { createHash, timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Language } from '../../core/case';
import { ORIGIN_VERIFY_HEADER, originVerifySecret } from '../../config';
import { DomainError, Forbidden, InternalError, ServiceUnavailable } from '../../core/errors';
import { statusOf } from './statuses';
import { pickLanguage } from '../../core/i18n';
import { log } from '../../log';
import { problem, problemPage, withHeaders, type HttpResult } from './response';
import type { RouteKey } from '../../../infra/routes';

/** What a route handler gets: the event with lower-cased headers, plus the caller's language. */
export interface HttpRequest {
  event: APIGatewayProxyEventV2;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** The caller's language; a route may refine it (from the body, say) and errors follow. */
  lang: Language;
  /** Whether errors should be pages rather than problem+json. */
  wantsHtml: boolean;
  /** Headers added to whatever the route answers, errors included (CORS, for one). */
  responseHeaders: Record<string, string>;
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResult>;

/** Whether the client prefers HTML to JSON (a browser navigating, not a script). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.search(/application\/(problem\+)?json/);
  return html !== -1 && (json === -1 || html < json);
}

/**
 * Whether a retry may succeed: the SDK marks such errors with `$retryable` (every SDK error has the
 * field; only retryable ones set it), and throttling, timeouts and dropped connections say so by
 * name. A validation or access error is a fault of ours: a 500, logged, never "retry shortly".
 */
const isRetryable = (error: unknown) =>
  error instanceof Error &&
  ((error as { $retryable?: unknown }).$retryable != null ||
    /Throttl|ServiceUnavailable|InternalServerError|ProvisionedThroughputExceeded|RequestLimitExceeded|TimeoutError|ECONN/i.test(`${error.name} ${error.message}`));

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether `presented` is `expected`, compared in constant time: both are hashed first, so neither
 * their contents nor their lengths change how long the comparison takes.
 */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  return typeof presented === 'string' && timingSafeEqual(sha256(presented), sha256(expected));
}

/** The answer to a request that did not come through the distribution. */
const notThroughEdge = () =>
  new Forbidden({
    it: "Le richieste devono passare dall'indirizzo pubblico dello Hub.",
    en: "Requests must come through the Hub's public address.",
  });

/**
 * Wraps route handlers into one Lambda handler: requests that did not come through the
 * distribution refused (when the function has an origin secret, as every deployed one behind the
 * API has; the embedded runtime has none), headers normalised by middy, the language
 * picked once, routes chosen by the API Gateway route key, and every error answered in one
 * place: domain errors as problem+json (or a page), anything else as a 500 or 503 that says
 * nothing internal.
 */
export function httpHandler<K extends RouteKey>(routes: { readonly [key in K]: RouteHandler }, options: { pages?: boolean } = {}) {
  const base = async (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyResultV2> => {
    const headers = event.headers ?? {};
    const query = event.queryStringParameters ?? {};
    const lang = pickLanguage(query.lang, headers['accept-language']);
    const wantsHtml = options.pages === true || prefersHtml(headers.accept);
    const request: HttpRequest = { event, headers, query, lang, wantsHtml, responseHeaders: {} };
    const expected = originVerifySecret();
    if (expected !== undefined && !sameSecret(headers[ORIGIN_VERIFY_HEADER], expected)) return problem(notThroughEdge(), lang);
    const route = (routes as Partial<Record<string, RouteHandler>>)[event.routeKey];
    try {
      if (!route) throw new Error(`no route for ${event.routeKey}`);
      return withHeaders(await route(request), request.responseHeaders);
    } catch (error) {
      return withHeaders(answerError(error, request), request.responseHeaders);
    }
  };
  return middy(base).use(httpHeaderNormalizer());
}

/** Every error answered in one place, in the caller's language and format. */
function answerError(error: unknown, { event, lang, wantsHtml }: HttpRequest): HttpResult {
  const known = error instanceof DomainError ? error : isRetryable(error) ? new ServiceUnavailable() : undefined;
  if (known && statusOf(known) < 500) return wantsHtml ? problemPage(known, lang) : problem(known, lang);
  log.error(known ? 'request failed' : 'unexpected error', {
    routeKey: event.routeKey,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  const answer = known ?? new InternalError();
  return wantsHtml ? problemPage(answer, lang) : problem(answer, lang);
}
