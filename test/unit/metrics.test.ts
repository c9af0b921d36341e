import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFindings } from '../../shared/core/findings';
import {
  CARE_SETTINGS,
  CLINICAL_AREAS,
  FUNDING,
  MEDICAL_DEVICE_CLASSES,
  REIMBURSEMENT,
  STAGES,
  TARGET_POPULATIONS,
  TECHNOLOGIES,
  TELEX_SERVICES,
} from '../../shared/core/case';
import { CASE_STATUSES, type CaseStatus } from '../../shared/core/case-record';
import {
  BREAKDOWNS,
  computeMetrics,
  createMetricsFold,
  facilityKey,
  MEDIAN_MIN_DECISIONS,
  RULES_VERSION,
  type Breakdown,
  type DecisionTimes,
  type MetricCase,
  type MetricsInput,
  type MetricsSnapshot,
} from '../../shared/core/metrics';

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
    expect(Object.keys(snapshot.breakdowns)).toEqual([
      'telexService', 'clinicalArea', 'careSetting', 'technology', 'partner', 'stage', 'funding', 'reimbursement', 'targetPopulation', 'medicalDevice',
    ]);
  });

  it('counts Tele-X and hospital-app cases by target population and medical device class, needs and proposals aside', () => {
    const snapshot = compute([
      approved({ targetPopulation: ['chronic-patients', 'frail-elderly'], medicalDevice: 'class-iia' }),
      approved({ targetPopulation: ['chronic-patients'], medicalDevice: 'class-iia' }),
      approved({ targetPopulation: ['paediatric', 'caregivers'], medicalDevice: 'none' }),
      approved({ kind: 'hospital-app', telexServices: undefined, targetPopulation: ['post-acute'], medicalDevice: 'class-iib' }),
      approved({ kind: 'hospital-app', telexServices: undefined }),
      approved({ kind: 'need', telexServices: undefined, targetPopulation: ['chronic-patients'], medicalDevice: 'class-iii' }),
      approved({ kind: 'proposal', telexServices: undefined, targetPopulation: ['disabled'], medicalDevice: 'class-i' }),
    ]);
    expect(snapshot.breakdowns.targetPopulation).toEqual({
      'chronic-patients': 2,
      'frail-elderly': 1,
      'post-acute': 1,
      paediatric: 1,
      disabled: 0,
      'pregnancy-maternal': 0,
      caregivers: 1,
      'general-population': 0,
    });
    // Every class listed, in the MDR's order; the hospital app that states none is in no class.
    expect(snapshot.breakdowns.medicalDevice).toEqual({ none: 1, 'class-i': 0, 'class-iia': 2, 'class-iib': 1, 'class-iii': 0 });
    expect(Object.keys(snapshot.breakdowns.medicalDevice)).toEqual([...MEDICAL_DEVICE_CLASSES]);
    expect(Object.keys(snapshot.breakdowns.targetPopulation)).toEqual([...TARGET_POPULATIONS]);
  });

  it('gives zeros and no median for no data', () => {
    const snapshot = compute([]);
    expect(snapshot.headline).toEqual({ hospitalStructures: 0, telexProjects: 0, patientsImpacted: 0, hospitalApps: 0 });
    expect(snapshot.pipeline.medianHoursToDecision).toBeNull();
    expect(Object.values(snapshot.breakdowns.clinicalArea).every((n) => n === 0)).toBe(true);
  });

  it('takes the median hours to decision over approved and rejected cases', () => {
    const snapshot = compute(
      [
        approved({ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T10:00:00Z' }),
        approved({ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-02T00:00:00Z' }),
        approved({ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T01:00:00Z' }),
      ],
      [
        { createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T02:00:00Z' },
        { createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-03T00:00:00Z' },
        { createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-05T00:00:00Z' },
      ],
    );
    expect(snapshot.pipeline.decisions).toBe(6);
    expect(snapshot.pipeline.medianHoursToDecision).toBe(17);
  });

  it(`publishes no median below ${MEDIAN_MIN_DECISIONS} decisions, and says how many there are`, () => {
    const decided = (hours: number) => approved({ createdAt: '2026-03-01T00:00:00Z', decidedAt: new Date(Date.parse('2026-03-01T00:00:00Z') + hours * 3_600_000).toISOString() });
    const few = compute([1, 2, 3, 4].map(decided), [{ createdAt: '2026-03-01T00:00:00Z' }]);
    expect(few.pipeline).toMatchObject({ decisions: 4, medianHoursToDecision: null });
    const enough = compute([1, 2, 3, 4, 5].map(decided));
    expect(enough.pipeline).toMatchObject({ decisions: 5, medianHoursToDecision: 3 });
    expect(MEDIAN_MIN_DECISIONS).toBe(5);
  });

  it('lists the structures it counts, once each, under the name most of their cases give', () => {
    const snapshot = compute([
      approved({ facility: { name: 'Ospedale San Raffaele' } }),
      approved({ kind: 'hospital-app', telexServices: undefined, facility: { name: 'ospedale  SAN raffaele' } }),
      approved({ facility: { name: 'OSPEDALE SAN RAFFAELE' } }),
      approved({ facility: { name: 'OSPEDALE SAN RAFFAELE' } }),
      approved({ facility: { name: 'Istituto Clinico Humanitas', code: '030906' } }),
      approved({ facility: { name: 'Humanitas Research Hospital', code: ' 030906' } }),
      approved({ facility: { name: 'Àrea Nord' } }),
      approved({ facility: { name: 'OSPEDALE SACCO' } }),
      approved({ facility: { name: 'ospedale sacco' } }),
      approved({ kind: 'need', telexServices: undefined, facility: { name: 'RSA Il Gelso' } }),
    ]);
    expect(snapshot.structures).toEqual([
      { name: 'Àrea Nord', projects: 1 },
      { name: 'Humanitas Research Hospital', code: '030906', projects: 2 },
      { name: 'ospedale sacco', projects: 2 },
      { name: 'OSPEDALE SAN RAFFAELE', projects: 4 },
    ]);
    expect(snapshot.structures).toHaveLength(snapshot.headline.hospitalStructures);
  });

  it('sums the patients of Tele-X projects by clinical area, a project in each of its areas', () => {
    const snapshot = compute([
      approved({ clinicalAreas: ['cardiology', 'rehabilitation'], patientsImpacted: 1000 }),
      approved({ clinicalAreas: ['cardiology'], patientsImpacted: 200 }),
      approved({ clinicalAreas: ['oncology'] }),
      approved({ kind: 'hospital-app', telexServices: undefined, clinicalAreas: ['oncology'], patientsImpacted: 9999 }),
    ]);
    expect(snapshot.patientsByClinicalArea).toMatchObject({ cardiology: 1200, rehabilitation: 1000, oncology: 0, pulmonology: 0 });
    expect(Object.keys(snapshot.patientsByClinicalArea)).toEqual([...CLINICAL_AREAS]);
  });

  it('gives the same figures for the same cases in any order', () => {
    const cases = [approved({ patientsImpacted: 3 }), approved({ kind: 'hospital-app', telexServices: undefined }), approved({ facility: { name: 'B' }, patientsImpacted: 4 })];
    expect(compute([...cases].reverse())).toEqual(compute(cases));
  });
});

/**
 * The computation as it was before the fold, every case in memory: the reference the fold must
 * equal, figure for figure and byte for byte (the entity tag is the hash of the snapshot's JSON).
 */
function referenceMetrics(input: MetricsInput): MetricsSnapshot {
  const zeros = (values: readonly string[]) => Object.fromEntries(values.map((value) => [value, 0])) as Record<string, number>;
  const median = (values: number[]): number | null => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return Math.round(value * 10) / 10;
  };
  const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;
  const facilities = new Set<string>();
  // Every spelling of every structure, case by case: the list is derived from them at the end.
  const spellings: { key: string; name: string }[] = [];
  const patientsByClinicalArea = zeros(CLINICAL_AREAS);
  let telexProjects = 0;
  let hospitalApps = 0;
  let patientsImpacted = 0;
  const breakdowns: Record<Breakdown, Record<string, number>> = {
    telexService: zeros(TELEX_SERVICES),
    clinicalArea: zeros(CLINICAL_AREAS),
    careSetting: zeros(CARE_SETTINGS),
    technology: zeros(TECHNOLOGIES),
    partner: {},
    stage: zeros(STAGES),
    funding: zeros(FUNDING),
    reimbursement: zeros(REIMBURSEMENT),
    targetPopulation: zeros(TARGET_POPULATIONS),
    medicalDevice: zeros(MEDICAL_DEVICE_CLASSES),
  };
  const submissions = { need: 0, proposal: 0 };
  const count = (breakdown: Breakdown, values: readonly string[] | string | undefined) => {
    for (const value of typeof values === 'string' ? [values] : (values ?? [])) {
      breakdowns[breakdown][value] = (breakdowns[breakdown][value] ?? 0) + 1;
    }
  };
  for (const item of input.approved) {
    if (item.kind === 'need' || item.kind === 'proposal') {
      submissions[item.kind] += 1;
      continue;
    }
    facilities.add(facilityKey(item.facility));
    spellings.push({ key: facilityKey(item.facility), name: item.facility.name });
    if (item.kind === 'telex') {
      telexProjects += 1;
      patientsImpacted += item.patientsImpacted ?? 0;
      for (const area of item.clinicalAreas) patientsByClinicalArea[area]! += item.patientsImpacted ?? 0;
      count('telexService', item.telexServices);
    } else {
      hospitalApps += 1;
    }
    count('clinicalArea', item.clinicalAreas);
    count('careSetting', item.careSettings);
    count('technology', item.technologies);
    count('partner', item.partner);
    count('stage', item.stage);
    count('funding', item.funding);
    count('reimbursement', item.reimbursement);
    count('targetPopulation', item.targetPopulation);
    count('medicalDevice', item.medicalDevice);
  }
  const decisionHours = [...input.approved, ...input.rejected]
    .filter((item): item is { createdAt: string; decidedAt: string } => typeof item.decidedAt === 'string')
    .map((item) => hoursBetween(item.createdAt, item.decidedAt));
  const collator = new Intl.Collator('it', { sensitivity: 'base' });
  const structures = [...facilities]
    .map((key) => {
      const names = spellings.filter((spelling) => spelling.key === key).map((spelling) => spelling.name);
      const tally = (name: string) => names.filter((other) => other === name).length;
      const lower = (name: string) => (/\p{Ll}/u.test(name) ? 0 : 1);
      const name = [...new Set(names)].sort((a, b) => tally(b) - tally(a) || lower(a) - lower(b) || (a < b ? -1 : 1))[0]!;
      return { key, structure: { name, ...(key.startsWith('code:') ? { code: key.slice('code:'.length) } : {}), projects: names.length } };
    })
    .sort((a, b) => collator.compare(a.structure.name, b.structure.name) || (a.key < b.key ? -1 : 1))
    .map(({ structure }) => structure);
  return {
    rulesVersion: RULES_VERSION,
    generatedAt: input.generatedAt,
    asOf: input.asOf,
    casesConsidered: input.approved.length,
    headline: { hospitalStructures: facilities.size, telexProjects, patientsImpacted, hospitalApps },
    breakdowns,
    patientsByClinicalArea,
    structures,
    submissions,
    // The findings have tests of their own with known answers (findings.test.ts): here, the same over the whole list.
    findings: computeFindings(input.approved),
    pipeline: {
      byStatus: Object.fromEntries(CASE_STATUSES.map((status) => [status, Math.max(0, input.statusCounts[status] ?? 0)])) as Record<CaseStatus, number>,
      decisions: decisionHours.length,
      medianHoursToDecision: decisionHours.length >= MEDIAN_MIN_DECISIONS ? median(decisionHours) : null,
    },
  };
}

const BASE = Date.parse('2026-01-01T00:00:00.000Z');
/** An instant within about four months, to the millisecond: durations of every size, ties included. */
const instant = fc.oneof(fc.integer({ min: 0, max: 10_000_000_000 }), fc.constantFrom(0, 3_600_000, 1_800_000, 86_400_000)).map((ms) => new Date(BASE + ms).toISOString());
const subset = <T>(values: readonly T[]) => fc.subarray([...values]);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Facility names that collide under the facility rule (case, accents, spaces) and codes that collide in case. */
const facility = fc.record(
  {
    name: fc.constantFrom('Humanitas', 'humanitas ', 'HUMANITAS', 'Ospedale di Città', 'ospedale di citta', 'IEO', 'Niguarda', 'Casa di Comunità Lodi'),
    code: fc.constantFrom('030906', ' 030906', 'ab12', 'AB12', '', '  '),
  },
  { requiredKeys: ['name'] },
);

const metricCase: fc.Arbitrary<MetricCase> = fc
  .record({
    kind: fc.constantFrom('telex', 'telex', 'hospital-app', 'need', 'proposal'),
    partner: fc.oneof(fc.constantFrom('humanitas', 'ieo', 'maugeri'), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/)),
    facility,
    clinicalAreas: subset(CLINICAL_AREAS),
    telexServices: optional(subset(TELEX_SERVICES)),
    careSettings: optional(subset(CARE_SETTINGS)),
    technologies: optional(subset(TECHNOLOGIES)),
    stage: optional(fc.constantFrom(...STAGES)),
    patientsImpacted: optional(fc.integer({ min: 0, max: 100_000_000 })),
    funding: optional(subset(FUNDING)),
    reimbursement: optional(fc.constantFrom(...REIMBURSEMENT)),
    targetPopulation: optional(subset(TARGET_POPULATIONS)),
    medicalDevice: optional(fc.constantFrom(...MEDICAL_DEVICE_CLASSES)),
    createdAt: instant,
    decidedAt: optional(instant),
  })
  .map((fields) => ({ id: '', ...fields }) as MetricCase)
  .map((item) => Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as MetricCase);

const decision: fc.Arbitrary<DecisionTimes> = fc.record({ createdAt: instant, decidedAt: optional(instant) }, { requiredKeys: ['createdAt'] });

const statusCounts = fc.record(Object.fromEntries(CASE_STATUSES.map((status) => [status, fc.integer({ min: -2, max: 1_000 })])) as Record<CaseStatus, fc.Arbitrary<number>>, {
  requiredKeys: [],
});

/** Cuts `items` into consecutive pages of the given sizes (cycled), as a query would return them. */
function paginate<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const pages: T[][] = [];
  for (let start = 0, i = 0; start < items.length; i++) {
    const size = sizes[i % sizes.length]!;
    pages.push(items.slice(start, start + size));
    start += size;
  }
  return pages;
}

/** Feeds the fold as the aggregation does: pages of approved and rejected cases interleaved. */
function foldPages(input: MetricsInput, approvedSizes: number[], rejectedSizes: number[]): MetricsSnapshot {
  const fold = createMetricsFold();
  const approvedPages = paginate(input.approved, approvedSizes);
  const rejectedPages = paginate(input.rejected, rejectedSizes);
  for (let i = 0; i < Math.max(approvedPages.length, rejectedPages.length); i++) {
    for (const item of approvedPages[i] ?? []) fold.add(item);
    for (const item of rejectedPages[i] ?? []) fold.addRejected(item);
  }
  return fold.result(input);
}

describe('the metrics fold', () => {
  const pageSizes = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 });
  const input = fc.record({
    approved: fc.array(metricCase, { maxLength: 60 }),
    rejected: fc.array(decision, { maxLength: 20 }),
    statusCounts,
    asOf: instant,
    generatedAt: instant,
  });

  it('gives exactly the figures of the all-in-memory computation, whatever the cases and the pages', () => {
    fc.assert(
      fc.property(input, pageSizes, pageSizes, (metricsInput, approvedSizes, rejectedSizes) => {
        const expected = referenceMetrics(metricsInput);
        const folded = foldPages(metricsInput, approvedSizes, rejectedSizes);
        expect(folded).toEqual(expected);
        // The same bytes, keys in the same order: the same entity tag.
        expect(JSON.stringify(folded)).toBe(JSON.stringify(expected));
        expect(JSON.stringify(computeMetrics(metricsInput))).toBe(JSON.stringify(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an exact median past the growth of its hours list, odd and even counts', () => {
    const cases = fc.sample(metricCase, { seed: 9, numRuns: 5_001 });
    const rejected = fc.sample(decision, { seed: 10, numRuns: 2_500 });
    for (const approvedCount of [5_001, 5_000, 1_025, 1_024]) {
      const metricsInput: MetricsInput = { approved: cases.slice(0, approvedCount), rejected, statusCounts: {}, asOf: '2026-03-05T00:00:00.000Z', generatedAt: '2026-03-05T00:00:00.000Z' };
      const folded = foldPages(metricsInput, [1_000], [333]);
      expect(folded.pipeline.medianHoursToDecision).not.toBeNull();
      expect(JSON.stringify(folded)).toBe(JSON.stringify(referenceMetrics(metricsInput)));
    }
  });

  it('takes the median of known hours: the middle one, or the mean of the two middle ones, to one decimal', () => {
    const hoursCase = (hours: number): DecisionTimes => ({ createdAt: '2026-03-01T00:00:00.000Z', decidedAt: new Date(Date.parse('2026-03-01T00:00:00.000Z') + hours * 3_600_000).toISOString() });
    const median = (hours: number[], undecided = 0) => {
      const fold = createMetricsFold();
      for (const h of hours) fold.addRejected(hoursCase(h));
      for (let i = 0; i < undecided; i++) fold.addRejected({ createdAt: '2026-03-01T00:00:00.000Z' });
      return fold.result({ statusCounts: {}, asOf: '', generatedAt: '' }).pipeline.medianHoursToDecision;
    };
    expect(median([5, 1, 3, 2, 4])).toBe(3);
    expect(median([4, 1, 3, 100, 2, 3.6])).toBe(3.3);
    expect(median([1.25, 1.3, 1.3, 1.2, 1.35])).toBe(1.3);
    expect(median([2, 10, 4, 8, 6, 7], 5)).toBe(6.5);
    expect(median([2, 10, 4, 8], 5)).toBeNull();
    expect(median([], 3)).toBeNull();
    expect(median(Array.from({ length: 3_000 }, (_, i) => 3_000 - i))).toBe(1_500.5);
  });

  it('counts nothing of a rejected case but its hours, and lets result be asked again as cases keep coming', () => {
    const fold = createMetricsFold();
    fold.add(approved({ patientsImpacted: 10, createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T04:00:00Z' }));
    fold.addRejected({ createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T02:00:00Z' });
    const context = { statusCounts: { approved: 2 }, asOf: 'a', generatedAt: 'g' };
    const first = fold.result(context);
    expect(first.casesConsidered).toBe(1);
    expect(first.headline.telexProjects).toBe(1);
    expect(first.pipeline).toMatchObject({ decisions: 2, medianHoursToDecision: null });
    fold.add(approved({ kind: 'hospital-app', telexServices: undefined, partner: 'ieo', createdAt: '2026-03-01T00:00:00Z', decidedAt: '2026-03-01T09:00:00Z' }));
    const second = fold.result(context);
    expect(second.casesConsidered).toBe(2);
    expect(second.headline.hospitalApps).toBe(1);
    expect(second.pipeline).toMatchObject({ decisions: 3, medianHoursToDecision: null });
    // The first snapshot is not changed by what came after it.
    expect(first.breakdowns.partner).toEqual({ humanitas: 1 });
    expect(second.breakdowns.partner).toEqual({ humanitas: 1, ieo: 1 });
    expect(Object.keys(second.breakdowns)).toEqual([...BREAKDOWNS]);
  });
});
