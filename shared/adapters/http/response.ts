import { createHash } from 'node:crypto';
import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Language } from '../../core/case';
import { DomainError } from '../../core/errors';
import { headersOf, statusOf } from './statuses';
import type { SafeHtml } from '../html/html';
import { errorPage } from '../html/pages';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

/** Headers every response carries. */
const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

/**
 * The policy of every HTML page: nothing but our own styles, scripts and form targets.
 * `frameAncestors` defaults to 'none'; the embeddable form widens it to the partner's origins.
 */
export function contentSecurityPolicy(frameAncestors = "'none'"): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function page(
  statusCode: number,
  body: SafeHtml,
  options: { frameAncestors?: string; headers?: Record<string, string> } = {},
): HttpResult {
  return {
    statusCode,
    headers: {
      ...BASE_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': contentSecurityPolicy(options.frameAncestors),
      ...(options.frameAncestors ? {} : { 'X-Frame-Options': 'DENY' }),
      ...options.headers,
    },
    body: body.value,
  };
}

/**
 * A JSON document that changes only with a release (a schema, the API's description): cached for
 * `maxAgeSeconds`, then revalidated by an entity tag of its text; `ifNoneMatch` holding that tag
 * answers 304 with no body. The caller makes the text and its tag once ({@link jsonDocument}), not per request.
 */
export function documentJson(ifNoneMatch: string | undefined, document: { text: string; etag: string }, headers: Record<string, string>, maxAgeSeconds = 3600): HttpResult {
  const cache = { 'Cache-Control': `public, max-age=${maxAgeSeconds}`, ETag: document.etag };
  const held = ifNoneMatch?.split(',').map((tag) => tag.trim().replace(/^W\//, '')) ?? [];
  if (held.includes(document.etag) || held.includes('*')) return { statusCode: 304, headers: { ...BASE_HEADERS, ...headers, ...cache }, body: '' };
  return { statusCode: 200, headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers, ...cache }, body: document.text };
}

/** A document's text and entity tag (a digest of the text), for {@link documentJson}. */
export function jsonDocument(body: unknown): { text: string; etag: string } {
  const text = JSON.stringify(body);
  return { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 22)}"` };
}

/** A file anyone may cache for a while: text as it is, bytes (a spreadsheet) base64-encoded, as Lambda carries them. */
export function asset(body: string | Uint8Array, contentType: string, maxAgeSeconds: number, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: 200,
    headers: { ...BASE_HEADERS, 'Content-Type': contentType, 'Cache-Control': `public, max-age=${maxAgeSeconds}`, ...headers },
    ...(typeof body === 'string' ? { body } : { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'), isBase64Encoded: true }),
  };
}

export function redirect(location: string, headers: Record<string, string> = {}): HttpResult {
  return { statusCode: 303, headers: { ...BASE_HEADERS, Location: location, 'Cache-Control': 'no-store', ...headers }, body: '' };
}

/** RFC 9457 problem details in the caller's language. */
export function problem(error: DomainError, lang: Language, instance?: string): HttpResult {
  return {
    statusCode: statusOf(error),
    headers: {
      ...BASE_HEADERS,
      'Content-Type': 'application/problem+json; charset=utf-8',
      'Content-Language': lang,
      'Cache-Control': 'no-store',
      ...headersOf(error),
    },
    body: JSON.stringify({
      type: `urn:hub-intake:problem:${error.type}`,
      title: error.title[lang],
      status: statusOf(error),
      detail: error.detailText[lang],
      ...(instance ? { instance } : {}),
      ...(error.errors ? { errors: error.errors } : {}),
    }),
  };
}

/** The same error as an HTML page, for routes people open in a browser. */
export function problemPage(error: DomainError, lang: Language): HttpResult {
  const result = page(statusOf(error), errorPage(lang, error.title[lang], error.detailText[lang]));
  return { ...result, headers: { ...result.headers, 'Content-Language': lang, ...headersOf(error) } };
}

/** Adds headers to a result (CORS, for instance) without losing the ones it has. */
export function withHeaders(result: APIGatewayProxyResultV2, headers: Record<string, string>): HttpResult {
  if (typeof result === 'string') return { statusCode: 200, headers, body: result };
  return { ...result, headers: { ...(result.headers as Record<string, string> | undefined), ...headers } };
}
