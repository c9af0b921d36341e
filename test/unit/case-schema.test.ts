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

  it('accepts a target population and a medical device class, and neither', () => {
    const result = validateCase(validCase({ targetPopulation: ['chronic-patients', 'caregivers'], medicalDevice: 'class-iia' }), 'en');
    expect(result.ok && [result.value.targetPopulation, result.value.medicalDevice]).toEqual([['chronic-patients', 'caregivers'], 'class-iia']);
    for (const medicalDevice of ['none', 'class-i', 'class-iia', 'class-iib', 'class-iii']) expect(validateCase(validCase({ medicalDevice }), 'en').ok, medicalDevice).toBe(true);
    const { targetPopulation: _t, medicalDevice: _m, ...without } = validCase();
    expect(validateCase(without, 'en').ok).toBe(true);
    expect(validateCase(validCase({ targetPopulation: [] }), 'en').ok).toBe(true);
  });

  it('refuses an unknown or repeated target population and an unknown medical device class, naming the field', () => {
    const errors = (overrides: Record<string, unknown>, lang: 'it' | 'en' = 'en') => errorsOf(validCase(overrides), lang);
    expect(errors({ targetPopulation: ['astronauts'] }).map((e) => e.path)).toEqual(['targetPopulation']);
    expect(errors({ targetPopulation: ['paediatric', 'paediatric'] }).map((e) => e.path)).toEqual(['targetPopulation']);
    expect(errors({ targetPopulation: 'paediatric' }).map((e) => e.path)).toEqual(['targetPopulation']);
    expect(errors({ medicalDevice: 'class-iv' }).map((e) => e.path)).toEqual(['medicalDevice']);
    expect(errors({ medicalDevice: ['class-i'] }).map((e) => e.path)).toEqual(['medicalDevice']);
    expect(errors({ medicalDevice: 'class-iv' })[0]!.message).toMatch(/^Medical device \(MDR class\): /);
    expect(errors({ medicalDevice: 'class-iv' }, 'it')[0]!.message).toMatch(/^Dispositivo medico \(classe MDR\): /);
    expect(errors({ targetPopulation: ['astronauts'] }, 'it')[0]!.message).toMatch(/^Popolazione destinataria: /);
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
    expect(Object.keys(schema.properties)).toHaveLength(20);
    expect(schema.properties.kind?.enum).toEqual(['telex', 'hospital-app', 'need', 'proposal']);
    expect(schema.properties.telexServices?.items?.enum).toContain('teleriabilitazione');
    expect(schema.required).toEqual(expect.arrayContaining(['partner', 'kind', 'title', 'summary', 'facility', 'contact', 'clinicalAreas', 'consent']));
    expect(schema.required).not.toContain('language');
    expect(schema.additionalProperties).toBe(false);
  });

  it('carries the target population as a set of its values and the medical device class as one of its', () => {
    const properties = schema.properties as Record<string, { type?: string; enum?: string[]; uniqueItems?: boolean; items?: { enum?: string[] } }>;
    expect(properties.targetPopulation?.type).toBe('array');
    expect(properties.targetPopulation?.items?.enum).toEqual([
      'chronic-patients', 'frail-elderly', 'post-acute', 'paediatric', 'disabled', 'pregnancy-maternal', 'caregivers', 'general-population',
    ]);
    expect(properties.medicalDevice?.enum).toEqual(['none', 'class-i', 'class-iia', 'class-iib', 'class-iii']);
    expect(schema.required).not.toContain('targetPopulation');
    expect(schema.required).not.toContain('medicalDevice');
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

  it('reads the target population as a list, one value or several, and the medical device class as one value', () => {
    const base = new URLSearchParams(Object.entries({ partner: 'humanitas', kind: 'telex', title: 'Telemonitoraggio BPCO', summary: 'Un servizio di telemonitoraggio per pazienti con BPCO.' }));
    const form = (pairs: [string, string][]) => {
      const params = new URLSearchParams(base);
      for (const [name, value] of [
        ['facility.name', 'Ospedale'], ['contact.name', 'Maria Rossi'], ['contact.email', 'maria.rossi@example.org'], ['clinicalAreas', 'pulmonology'],
        ['telexServices', 'telemonitoraggio'], ['consent', 'on'], ...pairs,
      ] as [string, string][]) params.append(name, value);
      return decodeForm(params.toString());
    };
    const one = form([['targetPopulation', 'frail-elderly'], ['medicalDevice', 'class-iib']]);
    expect(one.targetPopulation).toEqual(['frail-elderly']);
    expect(one.medicalDevice).toBe('class-iib');
    const several = form([['targetPopulation', 'frail-elderly'], ['targetPopulation', 'caregivers'], ['medicalDevice', '']]);
    expect(several.targetPopulation).toEqual(['frail-elderly', 'caregivers']);
    expect(several).not.toHaveProperty('medicalDevice');
    expect(validateCase(one, 'en').ok).toBe(true);
    expect(validateCase(several, 'en').ok).toBe(true);
    // Two device classes are two values of a one-value field: refused, as is an unknown population.
    expect(errorsOf(form([['medicalDevice', 'class-i'], ['medicalDevice', 'class-iii']])).map((e) => e.path)).toEqual(['medicalDevice']);
    expect(errorsOf(form([['targetPopulation', 'astronauts']])).map((e) => e.path)).toEqual(['targetPopulation']);
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
