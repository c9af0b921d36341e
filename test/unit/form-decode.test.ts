import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { validateCase } from '../../shared/core/validation';
import { decodeForm, MAX_FORM_FIELDS } from '../../shared/adapters/http/form-decode';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const REJECTED = new Set(['__proto__', 'constructor']);

describe('decodeForm with names of Object.prototype', () => {
  it.each(PROTOTYPE_NAMES.filter((name) => !REJECTED.has(name)))('keeps %s as an own field the schema reports unknown', (name) => {
    for (const field of [name, `${name}.x`, `facility.${name}`, `contact.${name}`]) {
      const decoded = decodeForm(`${encodeURIComponent(field)}=x&${encodeURIComponent(field)}=y&title=Titolo`);
      expect(decoded.title).toBe('Titolo');
      const validation = validateCase(decoded, 'en');
      expect(validation.ok).toBe(false);
      if (validation.ok) continue;
      expect(validation.errors.some((error) => error.path === field && /unknown field/.test(error.message))).toBe(true);
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(PROTOTYPE_NAMES);
  });

  it('holds a repeated prototype name as the values sent, not the inherited function', () => {
    expect(decodeForm('toString=a&toString=b&valueOf=c')).toEqual({ toString: ['a', 'b'], valueOf: 'c' });
    expect(decodeForm('toString.x=1')).toEqual({ 'toString.x': '1' });
  });

  it.each(['__proto__', 'constructor', 'prototype', 'facility.__proto__', 'constructor.prototype', '__proto__.polluted'])('refuses %s with a 400', (name) => {
    expect(() => decodeForm(`${encodeURIComponent(name)}=x`)).toThrow(expect.objectContaining({ type: 'malformed-body' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('decodeForm on many fields', () => {
  it(`refuses more than ${MAX_FORM_FIELDS} pairs with a 400`, () => {
    expect(Object.keys(decodeForm('a=1&'.repeat(MAX_FORM_FIELDS)))).toEqual(['a']);
    expect(() => decodeForm('a=1&'.repeat(MAX_FORM_FIELDS + 1))).toThrow(expect.objectContaining({ type: 'malformed-body' }));
    expect(() => decodeForm('clinicalAreas=x&'.repeat(16_000))).toThrow(/1000/);
  });

  it('keeps every value of a field repeated N times, in order', () => {
    const decoded = decodeForm(Array.from({ length: 500 }, (_, i) => `title=${i}`).join('&'));
    expect(decoded.title).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
  });

  it('takes linear time in the number of repeats (twice the repeats cost less than three times as much)', () => {
    const body = (n: number) => 'title=x&'.repeat(n);
    // The best of several runs: a busy machine slows a run down, never speeds it up.
    const cost = (n: number) => {
      const text = body(n);
      let best = Infinity;
      for (let run = 0; run < 7; run += 1) {
        const start = performance.now();
        decodeForm(text, Infinity);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    cost(4000);
    const single = cost(20_000);
    const double = cost(40_000);
    expect(double / single).toBeLessThan(3);
  });
});
