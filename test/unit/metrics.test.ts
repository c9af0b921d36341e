import { describe, expect, it } from 'vitest';
import { computeMetrics, facilityKey, RULES_VERSION, type MetricCase } from '../../shared/domain/metrics';

let seq = 0;
const approved = (overrides: Partial<MetricCase>): MetricCase => ({
  id: `case-${++seq}`,
  kind: 'telex',
  partner: 'humanitas',
  facility: { name: 'Humanitas Research Hospital' },
  clinicalAreas: ['cardiology'],
  telexServices: ['televisita'],
  createdAt: '2026-03-01T10:00:00.000Z',
  decidedAt: '2026-03-02T10:00:00.000Z',
  ...overrides,
});

const compute = (cases: MetricCase[], rejected: { createdAt: string; decidedAt?: string }[] = []) =>
  computeMetrics({ approved: cases, rejected, statusCounts: { approved: cases.length }, asOf: '2026-03-05T00:00:00.000Z', generatedAt: '2026-03-05T00:00:01.000Z' });

describe('the facility rule', () => {
  it('uses the code when given, whatever the name', () => {
    expect(facilityKey({ name: 'Ospedale A', code: ' 030906 ' })).toBe(facilityKey({ name: 'Another name', code: '030906' }));
    expect(facilityKey({ name: 'x', code: 'ab12' })).toBe(facilityKey({ name: 'y', code: 'AB12' }));
  });

  it('compares names without regard to case, accents or whitespace', () => {
    const keys = ['Istituti Clinici Maugeri – Pavia', 'istituti  clinici maugeri – pavia', 'ISTITUTI CLINICI MAUGERI–PAVIA'].map((name) => facilityKey({ name }));
    expect(new Set(keys).size).toBe(1);
    expect(facilityKey({ name: 'Ospedale di Città' })).toBe(facilityKey({ name: 'ospedale di citta' }));
    expect(facilityKey({ name: 'Ospedale Niguarda' })).not.toBe(facilityKey({ name: 'Ospedale Sacco' }));
  });

  it('keeps a coded facility apart from the same facility named without its code', () => {
    expect(facilityKey({ name: 'Humanitas', code: '030906' })).not.toBe(facilityKey({ name: 'Humanitas' }));
  });
});

describe('the metrics of approved cases', () => {
  it('counts structures over Tele-X and hospital apps only, projects, patients and apps', () => {
    const snapshot = compute([
      approved({ facility: { name: 'Humanitas Research Hospital' }, patientsImpacted: 1000 }),
      approved({ facility: { name: 'humanitas  research hospital' }, patientsImpacted: 500 }),
      approved({ facility: { name: 'IEO', code: '030913' }, patientsImpacted: 250 }),
      approved({ kind: 'hospital-app', facility: { name: 'Ospedale San Raffaele' }, telexServices: undefined, patientsImpacted: 9999 }),
      approved({ kind: 'need', facility: { name: 'RSA Il Gelso' }, telexServices: undefined }),
      approved({ kind: 'proposal', facility: { name: 'Casa di Comunità Lodi' }, telexServices: undefined }),
      approved({ facility: { name: 'IEO Milano', code: '030913' } }),
    ]);
    expect(snapshot.headline).toEqual({ hospitalStructures: 3, telexProjects: 4, patientsImpacted: 1750, hospitalApps: 1 });
    expect(snapshot.submissions).toEqual({ need: 1, proposal: 1 });
    expect(snapshot.casesConsidered).toBe(7);
    expect(snapshot.rulesVersion).toBe(RULES_VERSION);
  });

  it('breaks Tele-X and hospital-app cases down by every classification, zeros included', () => {
    const snapshot = compute([
      approved({ telexServices: ['televisita', 'telemonitoraggio'], clinicalAreas: ['cardiology', 'pulmonology'], careSettings: ['home'], technologies: ['ai'], stage: 'active', funding: ['pnrr'], reimbursement: 'reimbursed' }),
      approved({ kind: 'hospital-app', partner: 'ieo', telexServices: undefined, clinicalAreas: ['oncology'], stage: 'pilot' }),
      approved({ kind: 'need', clinicalAreas: ['geriatrics'], telexServices: undefined }),
    ]);
    expect(snapshot.breakdowns.telexService).toMatchObject({ televisita: 1, telemonitoraggio: 1, teleconsulto: 0 });
    expect(snapshot.breakdowns.clinicalArea).toMatchObject({ cardiology: 1, pulmonology: 1, oncology: 1, geriatrics: 0 });
    expect(snapshot.breakdowns.partner).toEqual({ humanitas: 1, ieo: 1 });
    expect(snapshot.breakdowns.stage).toMatchObject({ active: 1, pilot: 1, scaled: 0 });
    expect(snapshot.breakdowns.careSetting.home).toBe(1);
    expect(snapshot.breakdowns.technology.ai).toBe(1);
    expect(snapshot.breakdowns.funding.pnrr).toBe(1);
    expect(snapshot.breakdowns.reimbursement.reimbursed).toBe(1);
    expect(Object.keys(snapshot.breakdowns)).toEqual(['telexService', 'clinicalArea', 'careSetting', 'technology', 'partner', 'stage', 'funding', 'reimbursement']);
  });

  it('gives zeros and no median for no data', () => {
    const snapshot = compute([]);
    expect(snapshot.headline).toEqual({ hospitalStructures: 0, telexProjects: 0, patientsImpacted: 0, hospitalApps: 0 });
    expect(snapshot.pipeline.medianHoursToDecision).toBeNull();
    expect(Object.values(snapshot.breakdowns.clinicalArea).every((n) => n === 0)).toBe(true);
  });

  it('takes the median hours to decision over approved and rejected cases', () => {
    const snapshot = compute(
      [approved({ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T10:00:00Z' }), approved({ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-02T00:00:00Z' })],
      [{ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T02:00:00Z' }, { createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-03T00:00:00Z' }],
    );
    expect(snapshot.pipeline.medianHoursToDecision).toBe(17);
  });

  it('gives the same figures for the same cases in any order', () => {
    const cases = [approved({ patientsImpacted: 3 }), approved({ kind: 'hospital-app', telexServices: undefined }), approved({ facility: { name: 'B' }, patientsImpacted: 4 })];
    expect(compute([...cases].reverse())).toEqual(compute(cases));
  });
});
