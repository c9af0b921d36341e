import { describe, expect, it } from 'vitest';
import { caseJsonSchema, generateCaseJsonSchema } from '../../shared/core/case';
import { pickLanguage } from '../../shared/core/i18n';
import { validateCase } from '../../shared/core/validation';
import { decodeForm } from '../../shared/adapters/http/form-decode';
import { validCase } from '../support/runtime';

const errorsOf = (input: unknown, lang: 'it' | 'en' = 'en') => {
  const result = validateCase(input, lang);
  if (result.ok) throw new Error('expected the case to be refused');
  return result.errors;
};

describe('the case submission schema', () => {
  it('accepts a complete Tele-X case and defaults the language to Italian', () => {
    const { language, ...rest } = validCase();
    expect(language).toBe('it');
    const result = validateCase(rest, 'en');
    expect(result.ok && result.value.language).toBe('it');
  });

  it('requires Tele-X services for a Tele-X case', () => {
    const { telexServices: _ignored, ...rest } = validCase();
    expect(errorsOf(rest)).toEqual([
      { path: 'telexServices', message: 'Tele-X services: choose at least one Tele-X service for a Tele-X case' },
    ]);
    expect(errorsOf({ ...rest, telexServices: [] }).map((e) => e.path)).toEqual(['telexServices']);
  });

  it('refuses Tele-X services on a case that is not Tele-X, and accepts none', () => {
    expect(errorsOf(validCase({ kind: 'hospital-app' })).map((e) => e.path)).toEqual(['telexServices']);
    expect(validateCase(validCase({ kind: 'hospital-app', telexServices: undefined }), 'en').ok).toBe(true);
  });

  it('names every problem of a bad submission at once, in Italian or English', () => {
    const input = { partner: 'humanitas', kind: 'robot', title: 'x', consent: false, colour: 'red' };
    const en = errorsOf(input, 'en');
    expect(en.map((e) => e.path).sort()).toEqual(['clinicalAreas', 'colour', 'consent', 'contact', 'facility', 'kind', 'summary', 'title']);
    expect(en.find((e) => e.path === 'title')?.message).toBe('Title: must be at least 3 characters long');
    expect(en.find((e) => e.path === 'colour')?.message).toBe('unknown field: colour');
    const it = errorsOf(input, 'it');
    expect(it.find((e) => e.path === 'title')?.message).toBe('Titolo: deve contenere almeno 3 caratteri');
    expect(it.find((e) => e.path === 'consent')?.message).toContain("occorre accettare l'informativa privacy");
  });

  it('checks lengths, enumerations, integers, dates, emails and duplicates', () => {
    const paths = (overrides: Record<string, unknown>) => errorsOf(validCase(overrides)).map((e) => e.path);
    expect(paths({ title: 'a'.repeat(161) })).toEqual(['title']);
    expect(paths({ summary: 'too short' })).toEqual(['summary']);
    expect(paths({ clinicalAreas: [] })).toEqual(['clinicalAreas']);
    expect(paths({ clinicalAreas: ['cardiology', 'astrology'] })).toEqual(['clinicalAreas']);
    expect(paths({ clinicalAreas: ['cardiology', 'cardiology'] })).toEqual(['clinicalAreas']);
    expect(paths({ patientsImpacted: -1 })).toEqual(['patientsImpacted']);
    expect(paths({ patientsImpacted: 1.5 })).toEqual(['patientsImpacted']);
    expect(paths({ startDate: '2024-02-30' })).toEqual(['startDate']);
    expect(paths({ startDate: '01/03/2024' })).toEqual(['startDate']);
    expect(paths({ contact: { name: 'Maria Rossi', email: 'not-an-email' } })).toEqual(['contact.email']);
    expect(paths({ facility: { name: 'Ospedale', code: 'has spaces' } })).toEqual(['facility.code']);
    expect(paths({ facility: { name: 'Ospedale', extra: 1 } })).toEqual(['facility.extra']);
    expect(paths({ title: 'Bell\u0007 ringing title' })).toEqual(['title']);
  });

  it('trims text fields', () => {
    const result = validateCase(validCase({ title: '   Telemonitoraggio BPCO   ' }), 'en');
    expect(result.ok && result.value.title).toBe('Telemonitoraggio BPCO');
  });
});

describe('the JSON Schema served to partners', () => {
  const schema = caseJsonSchema(generateCaseJsonSchema(), 'https://intake.example.org') as {
    $id: string;
    properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }>;
    required: string[];
    additionalProperties: boolean;
    allOf: unknown[];
  };

  it('is generated from the zod schema with every field and enumeration', () => {
    expect(schema.$id).toBe('https://intake.example.org/schema/case.json');
    expect(Object.keys(schema.properties)).toHaveLength(18);
    expect(schema.properties.kind?.enum).toEqual(['telex', 'hospital-app', 'need', 'proposal']);
    expect(schema.properties.telexServices?.items?.enum).toContain('teleriabilitazione');
    expect(schema.required).toEqual(expect.arrayContaining(['partner', 'kind', 'title', 'summary', 'facility', 'contact', 'clinicalAreas', 'consent']));
    expect(schema.required).not.toContain('language');
    expect(schema.additionalProperties).toBe(false);
  });

  it('states the Tele-X rule', () => {
    expect(JSON.stringify(schema.allOf)).toContain('"const":"telex"');
  });
});

describe('form decoding', () => {
  it('nests dotted names, collects repeated keys and reads numbers and the consent box', () => {
    const body = new URLSearchParams([
      ['partner', 'humanitas'],
      ['facility.name', 'Ospedale San Raffaele'],
      ['facility.code', ''],
      ['clinicalAreas', 'cardiology'],
      ['clinicalAreas', 'oncology'],
      ['telexServices', 'televisita'],
      ['patientsImpacted', '1.200'],
      ['consent', 'on'],
      ['stage', ''],
    ]).toString();
    expect(decodeForm(body)).toEqual({
      partner: 'humanitas',
      facility: { name: 'Ospedale San Raffaele' },
      clinicalAreas: ['cardiology', 'oncology'],
      telexServices: ['televisita'],
      patientsImpacted: 1200,
      consent: true,
    });
  });

  it('keeps every value of a repeated single field so that the schema refuses it', () => {
    const decoded = decodeForm('title=one&title=two');
    expect(decoded.title).toEqual(['one', 'two']);
    expect(errorsOf(validCase({ title: decoded.title })).map((e) => e.path)).toEqual(['title']);
  });

  it('refuses names that would reach object prototypes', () => {
    expect(() => decodeForm('__proto__.polluted=yes')).toThrow(/not allowed/);
    expect(() => decodeForm('facility.constructor=x')).toThrow(/not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves text where a number is expected for the schema to refuse', () => {
    expect(decodeForm('patientsImpacted=many').patientsImpacted).toBe('many');
  });
});

describe('language negotiation', () => {
  it('prefers an explicit choice, then Accept-Language by weight, then Italian', () => {
    expect(pickLanguage('en', 'it')).toBe('en');
    expect(pickLanguage(undefined, 'de-DE,en;q=0.8,it;q=0.5')).toBe('en');
    expect(pickLanguage(undefined, 'en;q=0.2, it-IT;q=0.9')).toBe('it');
    expect(pickLanguage(undefined, 'fr, de')).toBe('it');
    expect(pickLanguage('xx', undefined)).toBe('it');
  });
});

describe('the Tele-X rule alongside other problems', () => {
  it('is reported in the same answer as the other errors', () => {
    const { telexServices: _none, ...rest } = validCase({ title: 'x' });
    expect(errorsOf(rest).map((e) => e.path).sort()).toEqual(['telexServices', 'title']);
  });
});
