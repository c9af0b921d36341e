import { describe, expect, it } from 'vitest';
import { computeFindings, FINDING_NAMES, FINDING_RULES, FINDINGS_VERSION, share, type FindingCase } from '../../shared/core/findings';
import { computeMetrics, type MetricCase } from '../../shared/core/metrics';

const project = (fields: Partial<FindingCase> = {}): FindingCase => ({ kind: 'telex', partner: 'humanitas', clinicalAreas: ['cardiology'], ...fields });

describe('the findings of the report', () => {
  it('with no data: no project, no leading area, every share null', () => {
    const findings = computeFindings([]);
    expect(findings).toMatchObject({ version: FINDINGS_VERSION, projects: 0, leadingClinicalAreas: [], partners: {} });
    expect(findings.byKind).toEqual({ telex: 0, 'hospital-app': 0, need: 0, proposal: 0 });
    expect(findings.reimbursementUnclear).toEqual({ count: 0, total: 0, percent: null, unclear: 0, notStated: 0 });
    expect(findings.interoperable.percent).toBeNull();
    expect(findings.pnrrFunded.percent).toBeNull();
    expect(findings.settings).toEqual({ home: share(0, 0), hospital: share(0, 0), both: 0, neither: 0 });
    expect(findings.stages.mature).toEqual({ count: 0, total: 0, percent: null });
  });

  it('gives known answers on a known set of projects', () => {
    const findings = computeFindings([
      project({ clinicalAreas: ['cardiology'], reimbursement: 'unclear', interoperability: ['fse'], funding: ['pnrr', 'regional'], careSettings: ['home'], stage: 'active' }),
      project({ clinicalAreas: ['cardiology', 'pulmonology'], reimbursement: 'reimbursed', interoperability: ['fhir', 'fse'], careSettings: ['home', 'hospital'], stage: 'scaled' }),
      project({ kind: 'hospital-app', partner: 'ieo', clinicalAreas: ['oncology'], careSettings: ['hospital'], stage: 'pilot', interoperability: ['dicom'] }),
      project({ clinicalAreas: ['pulmonology', 'rehabilitation'], reimbursement: 'not-reimbursed', careSettings: ['outpatient'], stage: 'concluded', funding: ['eu'] }),
      // Needs and proposals are counted as collected and by organisation, never in the shares.
      project({ kind: 'need', partner: 'kos', clinicalAreas: ['geriatrics'], reimbursement: 'unclear', funding: ['pnrr'] }),
      project({ kind: 'proposal', partner: 'kos', clinicalAreas: ['geriatrics'], careSettings: ['home'] }),
    ]);
    expect(findings.projects).toBe(4);
    expect(findings.byKind).toEqual({ telex: 3, 'hospital-app': 1, need: 1, proposal: 1 });
    expect(findings.partners).toEqual({ humanitas: 3, ieo: 1, kos: 2 });
    expect(findings.leadingClinicalAreas).toEqual([
      { area: 'cardiology', count: 2, total: 4, percent: 50 },
      { area: 'pulmonology', count: 2, total: 4, percent: 50 },
      { area: 'oncology', count: 1, total: 4, percent: 25 },
      { area: 'rehabilitation', count: 1, total: 4, percent: 25 },
    ]);
    // One unclear, one (the hospital app) not stated.
    expect(findings.reimbursementUnclear).toEqual({ count: 2, total: 4, percent: 50, unclear: 1, notStated: 1 });
    expect(findings.interoperable).toEqual({ count: 2, total: 4, percent: 50, fse: 2, fhir: 1 });
    expect(findings.pnrrFunded).toEqual({ count: 1, total: 4, percent: 25 });
    expect(findings.settings).toEqual({ home: share(2, 4), hospital: share(2, 4), both: 1, neither: 1 });
    expect(findings.stages.byStage).toEqual({ ideation: 0, pilot: 1, active: 1, scaled: 1, concluded: 1, 'not-stated': 0 });
    expect(findings.stages.mature).toEqual({ count: 3, total: 4, percent: 75 });
  });

  it('leads with every area tied with the fourth, in the classification’s order, and never with "other"', () => {
    const areas = ['cardiology', 'pulmonology', 'oncology', 'rehabilitation', 'neurology', 'diabetology'] as const;
    const findings = computeFindings([
      project({ clinicalAreas: ['other'] }),
      project({ clinicalAreas: ['other'] }),
      project({ clinicalAreas: ['other', 'diabetology'] }),
      project({ clinicalAreas: ['diabetology'] }),
      ...[...areas].reverse().map((area) => project({ clinicalAreas: [area] })),
    ]);
    expect(findings.leadingClinicalAreas.map((area) => area.area)).toEqual(['diabetology', 'cardiology', 'pulmonology', 'oncology', 'rehabilitation', 'neurology']);
    expect(findings.leadingClinicalAreas[0]).toEqual({ area: 'diabetology', count: 3, total: 10, percent: 30 });
    // The same cases in another order give the same findings.
    expect(computeFindings([...areas].map((area) => project({ clinicalAreas: [area] })).concat(project({ clinicalAreas: ['diabetology'] }), project({ clinicalAreas: ['other', 'diabetology'] }), project({ clinicalAreas: ['other'] }), project({ clinicalAreas: ['other'] })))).toEqual(findings);
  });

  it('counts cases that state none of the optional fields as not stated, never as a share of any', () => {
    const findings = computeFindings([project(), project({ kind: 'hospital-app' })]);
    expect(findings.reimbursementUnclear).toEqual({ count: 2, total: 2, percent: 100, unclear: 0, notStated: 2 });
    expect(findings.interoperable).toEqual({ count: 0, total: 2, percent: 0, fse: 0, fhir: 0 });
    expect(findings.pnrrFunded.count).toBe(0);
    expect(findings.settings).toMatchObject({ both: 0, neither: 2 });
    expect(findings.stages.byStage['not-stated']).toBe(2);
    expect(findings.stages.mature.count).toBe(0);
  });

  it('rounds shares to one decimal', () => {
    expect(share(1, 3)).toEqual({ count: 1, total: 3, percent: 33.3 });
    expect(share(2, 3).percent).toBe(66.7);
  });

  it('are part of the snapshot the aggregation computes, over the same approved cases', () => {
    const item = (id: string, fields: Partial<MetricCase>): MetricCase => ({
      id, kind: 'telex', partner: 'humanitas', facility: { name: 'Ospedale' }, clinicalAreas: ['oncology'], createdAt: '2026-01-01T00:00:00Z', ...fields,
    });
    const snapshot = computeMetrics({
      approved: [item('a', { reimbursement: 'unclear' }), item('b', { kind: 'need' })],
      rejected: [],
      statusCounts: {},
      asOf: '2026-02-01T00:00:00Z',
      generatedAt: '2026-02-01T00:00:01Z',
    });
    expect(snapshot.findings).toEqual(computeFindings([item('a', { reimbursement: 'unclear' }), item('b', { kind: 'need' })]));
    expect(snapshot.findings?.reimbursementUnclear.percent).toBe(100);
  });

  it('says how each is computed, in both languages', () => {
    for (const name of FINDING_NAMES) {
      expect(FINDING_RULES[name].it.length).toBeGreaterThan(40);
      expect(FINDING_RULES[name].en.length).toBeGreaterThan(40);
    }
  });
});
