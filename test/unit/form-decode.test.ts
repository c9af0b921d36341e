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

  it('copies no list per repeat: the array elements it copies grow linearly with the repeats', () => {
    // A copy per repeat (spread, concat, slice, Array.from) is what made 64 KB of one repeated
    // name cost a second; counting the elements those calls copy proves the fix without timing
    // a busy machine (a copy per repeat copies n²/2 elements, four times as many for twice the repeats).
    const copies = (repeats: number) => {
      const proto = Array.prototype as unknown as Record<PropertyKey, unknown>;
      const names: PropertyKey[] = [Symbol.iterator, 'concat', 'slice', 'values'];
      const originals = names.map((name) => proto[name]);
      const originalFrom = Array.from;
      let calls = 0; // elements copied
      names.forEach((name, index) => {
        const original = originals[index] as (...args: unknown[]) => unknown;
        proto[name] = function (this: unknown[], ...args: unknown[]) {
          calls += this.length;
          return original.apply(this, args);
        };
      });
      Array.from = ((...args: Parameters<typeof Array.from>) => {
        const source = args[0] as { length?: number; size?: number };
        calls += source.length ?? source.size ?? 1;
        return originalFrom(...args);
      }) as typeof Array.from;
      try {
        const decoded = decodeForm('title=x&clinicalAreas=y&'.repeat(repeats), Infinity);
        expect((decoded.title as unknown[]).length).toBe(repeats);
        expect((decoded.clinicalAreas as unknown[]).length).toBe(repeats);
      } finally {
        names.forEach((name, index) => {
          proto[name] = originals[index];
        });
        Array.from = originalFrom;
      }
      return calls;
    };
    expect(copies(4000)).toBeLessThanOrEqual(2 * copies(2000) + 8);
  });
});
