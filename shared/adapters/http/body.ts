import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MalformedBody, PayloadTooLarge, UnsupportedMediaType } from '../../core/errors';
import { decodeForm } from './form-decode';

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export type BodyFormat = 'json' | 'form';

export interface ParsedBody {
  format: BodyFormat;
  payload: Record<string, unknown>;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

/** The raw body of an event as text, decoding base64 and enforcing the size limit first. */
export function rawBody(event: APIGatewayProxyEventV2, limit = MAX_BODY_BYTES): string {
  if (!event.body) return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > limit) throw new PayloadTooLarge(limit);
  return bytes.toString('utf8');
}

/**
 * Reads a JSON or urlencoded body into an object. 413 over the limit, 415 for another media
 * type, 400 for a body that cannot be read or is not an object.
 */
export function parseBody(event: APIGatewayProxyEventV2, headers: Record<string, string | undefined>): ParsedBody {
  const declared = headers['content-type'];
  const type = mediaType(declared);
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
    throw new UnsupportedMediaType(declared);
  }
  const text = rawBody(event);
  if (type === 'application/x-www-form-urlencoded') return { format: 'form', payload: decodeForm(text) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedBody({ it: 'Il corpo della richiesta non è JSON valido.', en: 'The request body is not valid JSON.' });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedBody({ it: 'Il corpo della richiesta deve essere un oggetto JSON.', en: 'The request body must be a JSON object.' });
  }
  return { format: 'json', payload: value as Record<string, unknown> };
}
