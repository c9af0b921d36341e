import { ARRAY_FIELDS, CASE_SHAPE } from '../domain/case';
import { MalformedBody } from '../domain/errors';

const ARRAYS: ReadonlySet<string> = new Set(ARRAY_FIELDS);
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const TRUE_VALUES = new Set(['true', 'on', '1', 'yes']);

/** Turns the text of a form value into what the JSON form of the same field holds. */
function coerce(path: string, value: string): unknown {
  if (path === 'consent') return TRUE_VALUES.has(value.toLowerCase()) ? true : value;
  if (path === 'patientsImpacted') {
    const digits = value.replace(/[\s.,'’_]/g, '');
    return /^\d{1,15}$/.test(digits) ? Number(digits) : value;
  }
  return value;
}

/**
 * Decodes an `application/x-www-form-urlencoded` submission into the shape of the JSON one:
 * dotted names nest (`facility.name`), list fields collect repeated keys, empty values count as
 * absent (a browser sends every text input, filled or not), numbers and the consent box are
 * read as a JSON client would send them. Anything else is passed on as text for the schema to judge.
 */
export function decodeForm(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [rawName, rawValue] of new URLSearchParams(body)) {
    const name = rawName.trim();
    const value = rawValue.trim();
    const segments = name.split('.');
    if (segments.some((segment) => UNSAFE_SEGMENTS.has(segment))) {
      throw new MalformedBody({ it: `Nome di campo non ammesso: ${name}`, en: `Field name not allowed: ${name}` });
    }
    if (value === '') continue;
    if (ARRAYS.has(name)) {
      const list = (result[name] as unknown[] | undefined) ?? [];
      list.push(value);
      result[name] = list;
      continue;
    }
    const [head = '', child] = segments;
    if (segments.length === 2 && head in CASE_SHAPE) {
      const parent = result[head];
      const nested = parent && typeof parent === 'object' && !Array.isArray(parent) ? (parent as Record<string, unknown>) : {};
      nested[child as string] = value;
      result[head] = nested;
      continue;
    }
    // A repeated single-valued field keeps every value, so the schema reports it instead of a silent pick.
    const coerced = coerce(name, value);
    if (name in result) {
      const previous = result[name];
      result[name] = Array.isArray(previous) ? [...previous, coerced] : [previous, coerced];
    } else {
      result[name] = coerced;
    }
  }
  return result;
}
