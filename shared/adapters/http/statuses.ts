import type { DomainError, ProblemType } from '../../core/errors';

/** How an error of the core answers over HTTP: its status and any headers it needs. */
export interface HttpMapping {
  status: number;
  /** Extra response headers, such as `Retry-After` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
}

/** The one table from the core's errors to HTTP statuses, keyed by problem type. */
export const STATUSES: Record<ProblemType, HttpMapping> = {
  'validation': { status: 422 },
  'malformed-body': { status: 400 },
  'unsupported-media-type': { status: 415, headers: { 'Accept-Post': 'application/json, application/x-www-form-urlencoded' } },
  'payload-too-large': { status: 413 },
  'forbidden': { status: 403 },
  'not-found': { status: 404 },
  'idempotency-key-reused': { status: 422 },
  'invalid-idempotency-key': { status: 400 },
  'service-unavailable': { status: 503, headers: { 'Retry-After': '5' } },
  'internal': { status: 500 },
  'invalid-parameter': { status: 400 },
  'unauthorized': { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="hub-intake"' } },
  'key-for-another-partner': { status: 403 },
  'submission-in-progress': { status: 409, headers: { 'Retry-After': '2' } },
};

/** An error of a type the table misses answers as an internal error (a unit test keeps the table whole). */
const mappingOf = (error: DomainError): HttpMapping => (STATUSES[error.type as ProblemType] as HttpMapping | undefined) ?? STATUSES.internal;

export const statusOf = (error: DomainError): number => mappingOf(error).status;
export const headersOf = (error: DomainError): Record<string, string> => mappingOf(error).headers ?? {};
