import { ARRAY_FIELDS, CASE_SHAPE } from '../../core/case';
import { MalformedBody } from '../../core/errors';

const ARRAYS: ReadonlySet<string> = new Set(ARRAY_FIELDS);
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const TRUE_VALUES = new Set(['true', 'on', '1', 'yes']);

/**
 * The most name=value pairs a form post may hold. The whole form has about sixty controls, all
 * checkboxes ticked; beyond this a body is not a person's submission.
 */
export const MAX_FORM_FIELDS = 1000;

/** Turns the text of a form value into what the JSON form of the same field holds. */
function coerce(path: string, value: string): unknown {
  if (path === 'consent') return TRUE_VALUES.has(value.toLowerCase()) ? true : value;
  if (path === 'patientsImpacted') {
    const digits = value.replace(/[\s.,'’_]/g, '');
    return /^\d{1,15}$/.test(digits) ? Number(digits) : value;
  }
  return value;
}

function tooManyFields(limit: number): MalformedBody {
  return new MalformedBody({
    it: `Il modulo contiene più di ${limit} campi.`,
    en: `The form holds more than ${limit} fields.`,
  });
}

/**
 * Decodes an `application/x-www-form-urlencoded` submission into the shape of the JSON one:
 * dotted names nest (`facility.name`), list fields collect repeated keys, empty values count as
 * absent (a browser sends every text input, filled or not), numbers and the consent box are
 * read as a JSON client would send them. Anything else is passed on as text for the schema to judge.
 *
 * Names are data, never looked up on a prototype: `toString` or `facility.valueOf` become own
 * fields that the schema reports as unknown. 400 for `__proto__`, `prototype` or `constructor`
 * anywhere in a name, and for more than {@link MAX_FORM_FIELDS} pairs. Linear in the body's size.
 */
export function decodeForm(body: string, maxFields = MAX_FORM_FIELDS): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  // Values of each repeated or list field, appended in place: a copy per repeat is quadratic.
  const lists = new Map<string, unknown[]>();
  let pairs = 0;
  for (const [rawName, rawValue] of new URLSearchParams(body)) {
    pairs += 1;
    if (pairs > maxFields) throw tooManyFields(maxFields);
    const name = rawName.trim();
    const value = rawValue.trim();
    const segments = name.split('.');
    if (segments.some((segment) => UNSAFE_SEGMENTS.has(segment))) {
      throw new MalformedBody({ it: `Nome di campo non ammesso: ${name}`, en: `Field name not allowed: ${name}` });
    }
    if (value === '') continue;
    if (ARRAYS.has(name)) {
      append(result, lists, name, value, true);
      continue;
    }
    const [head = '', child = ''] = segments;
    if (segments.length === 2 && Object.hasOwn(CASE_SHAPE, head)) {
      const parent = Object.hasOwn(result, head) ? result[head] : undefined;
      const nested = parent && typeof parent === 'object' && !Array.isArray(parent) ? (parent as Record<string, unknown>) : {};
      nested[child] = value;
      result[head] = nested;
      continue;
    }
    // A repeated single-valued field keeps every value, so the schema reports it instead of a silent pick.
    append(result, lists, name, coerce(name, value), false);
  }
  return result;
}

/** Adds a value to a field: a list field is always an array; another field becomes one when repeated. */
function append(result: Record<string, unknown>, lists: Map<string, unknown[]>, name: string, value: unknown, alwaysList: boolean): void {
  const list = lists.get(name);
  if (list && result[name] === list) {
    list.push(value);
    return;
  }
  if (alwaysList) {
    const fresh = [value];
    lists.set(name, fresh);
    result[name] = fresh;
    return;
  }
  if (!Object.hasOwn(result, name)) {
    result[name] = value;
    return;
  }
  const fresh = [result[name], value];
  lists.set(name, fresh);
  result[name] = fresh;
}
