import { describe, expect, it } from 'vitest';
import { HUB_PARTNERS } from '../../infra/config/partners';
import { DEMO_CASES, PUBLISHED_FIGURES } from '../../infra/local/demo-cases';
import { computeMetrics, facilityKey, type MetricCase } from '../../shared/core/metrics';
import { validateCase } from '../../shared/core/validation';

const AT = '2026-03-02T10:00:00.000Z';
const asApproved = (cases: typeof DEMO_CASES): MetricCase[] =>
  cases.map(({ key, input }) => ({ ...input, id: key, createdAt: AT, decidedAt: AT }));

const snapshot = (cases: typeof DEMO_CASES) =>
  computeMetrics({ approved: asApproved(cases), rejected: [], statusCounts: {}, asOf: AT, generatedAt: AT });

const approved = DEMO_CASES.filter((c) => c.decision === 'approve');
const rejected = DEMO_CASES.filter((c) => c.decision === 'reject');

describe('the demo cases', () => {
  it('give exactly the Hub’s published table once the intended ones are approved', () => {
    expect(snapshot(approved).headline).toEqual({
      hospitalStructures: 8,
      telexProjects: 23,
      patientsImpacted: 59_200,
      hospitalApps: 3,
    });
    expect(snapshot(approved).headline).toEqual(PUBLISHED_FIGURES);
  });

  it('are each a valid submission of a configured partner', () => {
    const partners = new Set(HUB_PARTNERS.map((partner) => partner.id));
    for (const demo of DEMO_CASES) {
      const result = validateCase(demo.input, 'en');
      expect(result.ok ? [] : result.errors, demo.key).toEqual([]);
      expect(partners.has(demo.input.partner), demo.key).toBe(true);
    }
  });

  it('have unique keys that make valid Idempotency-Keys, and a comment for every rejection', () => {
    const keys = DEMO_CASES.map((demo) => demo.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(`hub-demo-${key}`).toMatch(/^[\x21-\x7E]{8,128}$/);
    for (const demo of rejected) expect(demo.comment?.length ?? 0, demo.key).toBeGreaterThan(10);
  });

  it('include needs, proposals and rejected cases that would change the figures if they counted', () => {
    const kinds = approved.map((demo) => demo.input.kind);
    expect(kinds.filter((kind) => kind === 'need').length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((kind) => kind === 'proposal').length).toBeGreaterThanOrEqual(2);
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    const all = snapshot([...approved, ...rejected]).headline;
    expect(all.hospitalStructures).toBeGreaterThan(8);
    expect(all.patientsImpacted).toBeGreaterThan(59_200);
  });

  it('name some structures by code and others only by name, spelt differently', () => {
    const counted = approved.filter((demo) => demo.input.kind === 'telex' || demo.input.kind === 'hospital-app');
    const byKey = new Map<string, Set<string>>();
    for (const { input } of counted) {
      const key = facilityKey(input.facility);
      byKey.set(key, (byKey.get(key) ?? new Set()).add(input.facility.name));
    }
    const coded = [...byKey.keys()].filter((key) => key.startsWith('code:'));
    const named = [...byKey.entries()].filter(([key]) => key.startsWith('name:'));
    expect(coded.length).toBeGreaterThanOrEqual(3);
    expect(named.length).toBeGreaterThanOrEqual(3);
    // Every structure known by name is written in at least two ways, and a coded one under two names.
    for (const [, spellings] of named) expect(spellings.size).toBeGreaterThanOrEqual(2);
    expect(coded.some((key) => byKey.get(key)!.size >= 2)).toBe(true);
    // Clinical areas the report leads with are all there.
    const areas = snapshot(approved).breakdowns.clinicalArea;
    for (const area of ['cardiology', 'pulmonology', 'oncology', 'rehabilitation']) expect(areas[area]).toBeGreaterThanOrEqual(4);
  });

  it('state a medical device class for every Tele-X project and hospital app, and a target population wherever a service has patients', () => {
    const counted = approved.filter((demo) => demo.input.kind === 'telex' || demo.input.kind === 'hospital-app');
    for (const { key, input } of counted) {
      expect(input.medicalDevice, key).toBeDefined();
      if (input.kind === 'telex') expect(input.targetPopulation?.length ?? 0, key).toBeGreaterThan(0);
    }
    const { medicalDevice, targetPopulation } = snapshot(approved).breakdowns;
    // Every class but one is used, so the dashboard's chart has something to compare; the sum is every counted case.
    expect(Object.values(medicalDevice).filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
    expect(Object.values(medicalDevice).reduce((a, b) => a + b, 0)).toBe(counted.length);
    expect(targetPopulation['chronic-patients']).toBeGreaterThan(targetPopulation['paediatric'] ?? 0);
    expect(Object.values(targetPopulation).filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
  });
});
