import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CARE_SETTINGS,
  CASE_KINDS,
  CLINICAL_AREAS,
  FUNDING,
  INTEROPERABILITY,
  MEDICAL_DEVICE_CLASSES,
  REIMBURSEMENT,
  STAGES,
  TARGET_POPULATIONS,
  TECHNOLOGIES,
  TELEX_SERVICES,
  type CaseInput,
} from '../../shared/core/case';
import { CASE_FIELD_PATHS, caseChanges, type FieldChange, type FieldValue } from '../../shared/core/case-changes';

const base: CaseInput = {
  partner: 'humanitas',
  kind: 'telex',
  title: 'Televisita per lo scompenso cardiaco',
  summary: 'Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.',
  facility: { name: 'Humanitas Research Hospital', code: '030906' },
  contact: { name: 'Maria Rossi', email: 'maria.rossi@example.org', role: 'Project manager' },
  telexServices: ['televisita', 'telemonitoraggio'],
  clinicalAreas: ['cardiology'],
  technologies: ['platform', 'wearable-iot'],
  patientsImpacted: 1200,
  language: 'it',
  consent: true,
};

/** A subset of an enumeration in any order, or nothing. */
const setOf = <T extends string>(values: readonly T[]) => fc.option(fc.shuffledSubarray([...values]), { nil: undefined });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** Cases of every shape a version can hold (the schema's rules across fields aside: the comparison does not rely on them). */
const caseArbitrary: fc.Arbitrary<CaseInput> = fc
  .record({
    partner: fc.constantFrom('humanitas', 'ieo'),
    kind: fc.constantFrom(...CASE_KINDS),
    title: fc.string({ minLength: 3, maxLength: 20 }),
    summary: fc.string({ minLength: 20, maxLength: 40 }),
    facility: fc.record({ name: fc.constantFrom('Humanitas', 'IEO', 'San Raffaele'), code: optional(fc.constantFrom('030906', '030913')) }),
    contact: fc.record({ name: fc.constantFrom('Maria Rossi', 'Luca Verdi'), email: fc.constantFrom('a@example.org', 'b@example.org'), role: optional(fc.constantFrom('PM', 'CIO', '')) }),
    telexServices: setOf(TELEX_SERVICES),
    clinicalAreas: fc.shuffledSubarray([...CLINICAL_AREAS], { minLength: 1 }),
    careSettings: setOf(CARE_SETTINGS),
    technologies: setOf(TECHNOLOGIES),
    stage: optional(fc.constantFrom(...STAGES)),
    patientsImpacted: optional(fc.integer({ min: 0, max: 5000 })),
    funding: setOf(FUNDING),
    reimbursement: optional(fc.constantFrom(...REIMBURSEMENT)),
    interoperability: setOf(INTEROPERABILITY),
    startDate: optional(fc.constantFrom('2024-03-01', '2025-01-15')),
    targetPopulation: setOf(TARGET_POPULATIONS),
    medicalDevice: optional(fc.constantFrom(...MEDICAL_DEVICE_CLASSES)),
    language: fc.constantFrom('it' as const, 'en' as const),
    consent: fc.constant(true as const),
  })
  .map((value) => JSON.parse(JSON.stringify(value)) as CaseInput);

/** A field's value as the comparison sees it: nothing for absent, blank or empty, lists as sorted sets. */
function seen(data: CaseInput, path: string): string | undefined {
  const value = path.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), data);
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return undefined;
  return JSON.stringify(Array.isArray(value) ? [...new Set(value as string[])].sort() : value);
}

const mirror = (change: FieldChange): FieldChange => {
  switch (change.kind) {
    case 'added':
      return { kind: 'removed', path: change.path, before: change.after };
    case 'removed':
      return { kind: 'added', path: change.path, after: change.before };
    case 'changed':
      return {
        kind: 'changed',
        path: change.path,
        before: change.after,
        after: change.before,
        ...(change.addedItems ? { addedItems: change.removedItems, removedItems: change.addedItems } : {}),
      };
  }
};
const byPath = (changes: FieldChange[]) => Object.fromEntries(changes.map((change) => [change.path, change]));

describe('what changed between two versions of a case', () => {
  it('lists nested fields by their dotted paths, in the order of the schema', () => {
    expect(CASE_FIELD_PATHS.slice(0, 9)).toEqual(['partner', 'kind', 'title', 'summary', 'facility.name', 'facility.code', 'contact.name', 'contact.email', 'contact.role']);
    expect(CASE_FIELD_PATHS).toContain('startDate');
    expect(CASE_FIELD_PATHS).not.toContain('facility');
  });

  it('compares the target population as a set and the medical device class as a value', () => {
    const before: CaseInput = { ...base, targetPopulation: ['frail-elderly', 'caregivers'], medicalDevice: 'none' };
    expect(caseChanges(before, { ...before, targetPopulation: ['caregivers', 'frail-elderly'] })).toEqual([]);
    expect(caseChanges(before, { ...before, targetPopulation: ['caregivers', 'post-acute'], medicalDevice: 'class-i' })).toEqual([
      { kind: 'changed', path: 'targetPopulation', before: ['frail-elderly', 'caregivers'], after: ['caregivers', 'post-acute'], addedItems: ['post-acute'], removedItems: ['frail-elderly'] },
      { kind: 'changed', path: 'medicalDevice', before: 'none', after: 'class-i' },
    ]);
    expect(caseChanges(base, before).map((change) => [change.kind, change.path])).toEqual([['added', 'targetPopulation'], ['added', 'medicalDevice']]);
  });

  it('says old → new for a changed value, added for a new one and removed for one that went', () => {
    const after: CaseInput = { ...base, title: 'Televisita, seconda versione', facility: { name: base.facility.name }, careSettings: ['home'], patientsImpacted: 1500 };
    expect(caseChanges(base, after)).toEqual([
      { kind: 'changed', path: 'title', before: base.title, after: 'Televisita, seconda versione' },
      { kind: 'removed', path: 'facility.code', before: '030906' },
      { kind: 'added', path: 'careSettings', after: ['home'] },
      { kind: 'changed', path: 'patientsImpacted', before: 1200, after: 1500 },
    ]);
  });

  it('says which values of a list came and went, and sees the same values in another order as no change', () => {
    const after: CaseInput = { ...base, technologies: ['wearable-iot', 'ai'], telexServices: ['telemonitoraggio', 'televisita'] };
    expect(caseChanges(base, after)).toEqual([
      { kind: 'changed', path: 'technologies', before: ['platform', 'wearable-iot'], after: ['wearable-iot', 'ai'], addedItems: ['ai'], removedItems: ['platform'] },
    ]);
  });

  it('takes an empty list or a blank text for no value, and leaves out the fields it is told to ignore', () => {
    const before: CaseInput = { ...base, funding: [] };
    const after: CaseInput = { ...base, contact: { ...base.contact, email: 'other@example.org', role: '' }, language: 'en' };
    expect(caseChanges(before, after, { ignore: ['contact.email', 'language'] })).toEqual([{ kind: 'removed', path: 'contact.role', before: 'Project manager' }]);
  });

  it('finds nothing between a version and itself', () => {
    fc.assert(fc.property(caseArbitrary, (data) => caseChanges(data, structuredClone(data)).length === 0));
  });

  it('lists exactly the fields whose values differ, each once, in the schema order, with the values it read', () => {
    fc.assert(
      fc.property(caseArbitrary, caseArbitrary, (before, after) => {
        const changes = caseChanges(before, after);
        const differing = CASE_FIELD_PATHS.filter((path) => seen(before, path) !== seen(after, path));
        expect(changes.map((change) => change.path)).toEqual(differing);
        for (const change of changes) {
          const old = seen(before, change.path);
          const now = seen(after, change.path);
          expect(change.kind).toBe(old === undefined ? 'added' : now === undefined ? 'removed' : 'changed');
          const normal = (value: FieldValue) => JSON.stringify(Array.isArray(value) ? [...value].sort() : value);
          if (change.kind !== 'added') expect(normal(change.before)).toBe(old);
          if (change.kind !== 'removed') expect(normal(change.after)).toBe(now);
          if (change.kind === 'changed' && Array.isArray(change.before) && Array.isArray(change.after)) {
            const [was, is] = [change.before as string[], change.after as string[]];
            expect(change.addedItems).toEqual(is.filter((item) => !was.includes(item)));
            expect(change.removedItems).toEqual(was.filter((item) => !is.includes(item)));
            expect([...(change.addedItems ?? []), ...(change.removedItems ?? [])].length).toBeGreaterThan(0);
          }
        }
      }),
    );
  });

  it('reads the same changes backwards as forwards, added and removed swapped', () => {
    fc.assert(
      fc.property(caseArbitrary, caseArbitrary, (before, after) => {
        const forwards = byPath(caseChanges(before, after).map(mirror));
        const backwards = byPath(caseChanges(after, before));
        expect(backwards).toEqual(forwards);
      }),
    );
  });

  it('never reports an ignored field', () => {
    fc.assert(
      fc.property(caseArbitrary, caseArbitrary, fc.subarray([...CASE_FIELD_PATHS]), (before, after, ignore) => {
        const paths = caseChanges(before, after, { ignore }).map((change) => change.path);
        expect(paths.filter((path) => ignore.includes(path))).toEqual([]);
        expect(paths).toEqual(caseChanges(before, after).map((change) => change.path).filter((path) => !ignore.includes(path)));
      }),
    );
  });
});
