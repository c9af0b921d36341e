import { describe, expect, it } from 'vitest';
import * as errors from '../../shared/core/errors';
import { problem } from '../../shared/adapters/http/response';
import { STATUSES, headersOf, statusOf } from '../../shared/adapters/http/statuses';

const detail = { it: 'dettaglio', en: 'detail' };
type AnyError = new (...args: unknown[]) => errors.DomainError;
const classes = (Object.entries(errors) as [string, unknown][]).filter(
  (entry): entry is [string, AnyError] => typeof entry[1] === 'function' && entry[1].prototype instanceof errors.DomainError,
);

describe('the table from errors to HTTP statuses', () => {
  it('has one row for every error of the core, and no other', () => {
    expect(classes.length).toBeGreaterThan(10);
    const types = classes.map(([, ErrorClass]) => new ErrorClass(detail).type);
    expect(types.sort()).toEqual(Object.keys(STATUSES).sort());
  });

  it('keeps the status and headers out of the errors themselves', () => {
    for (const [, ErrorClass] of classes) {
      const error = new ErrorClass(detail);
      expect(error).not.toHaveProperty('status');
      expect(error).not.toHaveProperty('headers');
    }
  });

  it('answers with the status and headers of the row', () => {
    expect(statusOf(errors.Unauthorized.missing())).toBe(401);
    expect(headersOf(errors.Unauthorized.missing())).toEqual({ 'WWW-Authenticate': 'Bearer realm="hub-intake"' });
    const unavailable = problem(new errors.ServiceUnavailable(), 'en');
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers).toMatchObject({ 'Retry-After': '5' });
    expect(JSON.parse(unavailable.body ?? '')).toMatchObject({ status: 503, type: 'urn:hub-intake:problem:service-unavailable' });
  });
});
