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
  type CaseInput,
} from './case';
import { CASE_STATUSES, type CaseStatus } from './case-record';
import { createFindingsFold, type Findings } from './findings';

/**
 * The version of the counting rules below. It is part of every snapshot, so a figure can always be
 * traced to the rules that produced it; change it whenever a definition changes.
 * 2026.3: two breakdowns more, `targetPopulation` and `medicalDevice` (the classifications the
 * national rules ask for); the headline figures and the other breakdowns are counted as in 2026.2.
 */
export const RULES_VERSION = '2026.3';

/**
 * The fewest decisions (approved or rejected cases with a decision time) a median time to decision
 * is published from: the median of two or three decisions says more about those cases than about
 * the review. Below it the snapshot's median is null and `pipeline.decisions` says how many there are.
 */
export const MEDIAN_MIN_DECISIONS = 5;

/** What the aggregation reads of an approved case: the attributes the byStatus index projects. */
export type MetricCase = Pick<CaseInput, 'kind' | 'partner' | 'facility' | 'clinicalAreas'> &
  Partial<
    Pick<
      CaseInput,
      'telexServices' | 'careSettings' | 'technologies' | 'stage' | 'patientsImpacted' | 'funding' | 'reimbursement' | 'interoperability' | 'targetPopulation' | 'medicalDevice'
    >
  > & {
    id: string;
    createdAt: string;
    decidedAt?: string;
  };

export const BREAKDOWNS = [
  'telexService',
  'clinicalArea',
  'careSetting',
  'technology',
  'partner',
  'stage',
  'funding',
  'reimbursement',
  'targetPopulation',
  'medicalDevice',
] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** The Hub's published figures and everything they are made of. */
export interface MetricsSnapshot {
  rulesVersion: string;
  /** When this snapshot was computed. */
  generatedAt: string;
  /** The moment the data was read: cases approved after it are not counted. */
  asOf: string;
  /** Approved cases read to compute it. */
  casesConsidered: number;
  headline: {
    hospitalStructures: number;
    telexProjects: number;
    patientsImpacted: number;
    hospitalApps: number;
  };
  /** Counts of approved telex and hospital-app cases by each classification; every known value is listed, zeros included. */
  breakdowns: Record<Breakdown, Record<string, number>>;
  /**
   * Patients stated by approved telex cases, by clinical area: a project of several areas counts its
   * patients in each, so the areas may add up to more than the headline figure. Every area listed.
   */
  patientsByClinicalArea: Record<string, number>;
  /**
   * The hospital structures `headline.hospitalStructures` counts, one per facility key, sorted by
   * name: the name most cases give it (the alphabetically first on a tie), its code when it is
   * identified by one, and its approved telex and hospital-app cases.
   */
  structures: StructureCount[];
  /** Approved needs and proposals. */
  submissions: { need: number; proposal: number };
  /**
   * The findings of the Hub's report over the same approved projects, with their own rules'
   * version (`findings.version`, see FINDINGS_VERSION). Absent from snapshots made before them.
   */
  findings?: Findings;
  pipeline: {
    byStatus: Record<CaseStatus, number>;
    /** Approved and rejected cases with a decision time: what the median is taken over. */
    decisions: number;
    /** Median hours from submission to decision over approved and rejected cases; null with fewer than {@link MEDIAN_MIN_DECISIONS}. */
    medianHoursToDecision: number | null;
  };
}

/** One hospital structure of the headline figure. */
export interface StructureCount {
  name: string;
  code?: string;
  projects: number;
}

/**
 * The identity of a facility for counting: its ministerial code when given, otherwise its name
 * compared case-, accent- and whitespace-insensitively.
 */
export function facilityKey(facility: { name: string; code?: string }): string {
  const code = facility.code?.trim();
  if (code) return `code:${code.toUpperCase()}`;
  const name = facility.name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, '');
  return `name:${name}`;
}

const zeros = (values: readonly string[]) => Object.fromEntries(values.map((value) => [value, 0])) as Record<string, number>;

const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

/** Submission and decision times of a case: all the median needs. */
export interface DecisionTimes {
  createdAt: string;
  decidedAt?: string;
}

/**
 * The hours from submission to decision, one float64 each (8 bytes) in a typed array that doubles
 * when full: about 8 MB at a million decided cases, 16 MB for the instant of the last doubling,
 * instead of an object per case. The values are the very doubles the hours are computed as, so
 * the median taken from them is exact (no error bound to state: nothing is bucketed or rounded
 * before the final rounding to one decimal that the published figure has always had).
 */
class HoursList {
  private values = new Float64Array(1024);
  private length = 0;

  push(hours: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = hours;
  }

  get size(): number {
    return this.length;
  }

  /** The median rounded to one decimal, null with no value. Sorts the values in place: order does not matter to the median. */
  median(): number | null {
    if (this.length === 0) return null;
    const sorted = this.values.subarray(0, this.length).sort();
    const middle = Math.floor(sorted.length / 2);
    const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return Math.round(value * 10) / 10;
  }
}

/** What a snapshot takes besides the cases: the per-status counters and the two moments. */
export interface MetricsContext {
  statusCounts: Partial<Record<CaseStatus, number>>;
  asOf: string;
  generatedAt: string;
}

/**
 * The counting rules as an accumulator: cases go in one at a time, as the pages of a query arrive,
 * and `result` gives the snapshot. What it keeps does not grow with the cases, except:
 * - the distinct facilities (proportional to the distinct facilities and the spellings of their
 *   names, not to the cases: a few hundred hospitals, whatever the number of projects), the
 *   partner keys likewise;
 * - the hours to decision, 8 bytes per decided case (see HoursList): an exact median needs them all.
 */
export interface MetricsFold {
  /** Counts one approved case, its hours to decision included. */
  add(item: MetricCase): void;
  /** Adds a rejected case's hours to decision to the median: rejected cases count nowhere else. */
  addRejected(item: DecisionTimes): void;
  /** The snapshot of every case added so far. Adding more afterwards and calling it again is allowed. */
  result(context: MetricsContext): MetricsSnapshot;
}

/** A structure as the fold gathers it: how often each spelling of its name was given. */
interface StructureTally {
  code?: string;
  names: Map<string, number>;
  projects: number;
}

/** Whether a name is written with small letters too: "Ospedale Sacco" reads better than "OSPEDALE SACCO". */
const hasLowerCase = (name: string) => name !== name.toUpperCase();

/**
 * The name most cases give a structure; on a tie, one with small letters over one in capitals, then
 * the first by code unit: nothing depends on the order of the cases.
 */
function commonestName(names: ReadonlyMap<string, number>): string {
  let best = '';
  let most = 0;
  for (const [name, count] of names) {
    const better =
      count > most ||
      (count === most && (hasLowerCase(name) !== hasLowerCase(best) ? hasLowerCase(name) : name < best));
    if (better) {
      best = name;
      most = count;
    }
  }
  return best;
}

/** The structures sorted by name as Italian readers sort (accents and case aside), then by code. */
function structureList(facilities: ReadonlyMap<string, StructureTally>): StructureCount[] {
  const collator = new Intl.Collator('it', { sensitivity: 'base' });
  return [...facilities.entries()]
    .map(([key, tally]) => ({ key, structure: { name: commonestName(tally.names), ...(tally.code ? { code: tally.code } : {}), projects: tally.projects } }))
    .sort((a, b) => collator.compare(a.structure.name, b.structure.name) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ structure }) => structure);
}

export function createMetricsFold(): MetricsFold {
  const facilities = new Map<string, StructureTally>();
  const patientsByClinicalArea = zeros(CLINICAL_AREAS);
  const hours = new HoursList();
  let casesConsidered = 0;
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
  const findings = createFindingsFold();
  const count = (breakdown: Breakdown, values: readonly string[] | string | undefined) => {
    for (const value of typeof values === 'string' ? [values] : (values ?? [])) {
      breakdowns[breakdown][value] = (breakdowns[breakdown][value] ?? 0) + 1;
    }
  };
  const addHours = (item: DecisionTimes) => {
    if (typeof item.decidedAt === 'string') hours.push(hoursBetween(item.createdAt, item.decidedAt));
  };

  return {
    add(item) {
      casesConsidered += 1;
      addHours(item);
      findings.add(item);
      if (item.kind === 'need' || item.kind === 'proposal') {
        submissions[item.kind] += 1;
        return;
      }
      const key = facilityKey(item.facility);
      let structure = facilities.get(key);
      if (!structure) {
        structure = { ...(key.startsWith('code:') ? { code: key.slice(5) } : {}), names: new Map(), projects: 0 };
        facilities.set(key, structure);
      }
      // Names come trimmed from the schema: spellings are counted as given.
      const { name } = item.facility;
      structure.names.set(name, (structure.names.get(name) ?? 0) + 1);
      structure.projects += 1;
      if (item.kind === 'telex') {
        telexProjects += 1;
        const patients = item.patientsImpacted ?? 0;
        patientsImpacted += patients;
        count('telexService', item.telexServices);
        for (const area of item.clinicalAreas) patientsByClinicalArea[area] = (patientsByClinicalArea[area] ?? 0) + patients;
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
    },

    addRejected: addHours,

    result(context) {
      return {
        rulesVersion: RULES_VERSION,
        generatedAt: context.generatedAt,
        asOf: context.asOf,
        casesConsidered,
        headline: { hospitalStructures: facilities.size, telexProjects, patientsImpacted, hospitalApps },
        breakdowns: Object.fromEntries(Object.entries(breakdowns).map(([name, counts]) => [name, { ...counts }])) as Record<Breakdown, Record<string, number>>,
        patientsByClinicalArea: { ...patientsByClinicalArea },
        structures: structureList(facilities),
        submissions: { ...submissions },
        findings: findings.result(),
        pipeline: {
          byStatus: Object.fromEntries(CASE_STATUSES.map((status) => [status, Math.max(0, context.statusCounts[status] ?? 0)])) as Record<CaseStatus, number>,
          decisions: hours.size,
          medianHoursToDecision: hours.size >= MEDIAN_MIN_DECISIONS ? hours.median() : null,
        },
      };
    },
  };
}

export interface MetricsInput extends MetricsContext {
  approved: readonly MetricCase[];
  /** Submission and decision times of rejected cases, for the median. */
  rejected: readonly DecisionTimes[];
}

/** Computes every metric of DESIGN.md from approved cases held in memory, through the same fold. Pure: the same cases give the same figures. */
export function computeMetrics(input: MetricsInput): MetricsSnapshot {
  const fold = createMetricsFold();
  for (const item of input.approved) fold.add(item);
  for (const item of input.rejected) fold.addRejected(item);
  return fold.result(input);
}
