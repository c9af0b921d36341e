import { CARE_SETTINGS, CLINICAL_AREAS, FUNDING, REIMBURSEMENT, STAGES, TECHNOLOGIES, TELEX_SERVICES, type CaseInput } from './case';
import { CASE_STATUSES, type CaseStatus } from './case-record';

/**
 * The version of the counting rules below. It is part of every snapshot, so a figure can always be
 * traced to the rules that produced it; change it whenever a definition changes.
 */
export const RULES_VERSION = '2026.1';

/** What the aggregation reads of an approved case: the attributes the byStatus index projects. */
export type MetricCase = Pick<CaseInput, 'kind' | 'partner' | 'facility' | 'clinicalAreas'> &
  Partial<Pick<CaseInput, 'telexServices' | 'careSettings' | 'technologies' | 'stage' | 'patientsImpacted' | 'funding' | 'reimbursement'>> & {
    id: string;
    createdAt: string;
    decidedAt?: string;
  };

export const BREAKDOWNS = ['telexService', 'clinicalArea', 'careSetting', 'technology', 'partner', 'stage', 'funding', 'reimbursement'] as const;
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
  /** Approved needs and proposals. */
  submissions: { need: number; proposal: number };
  pipeline: {
    byStatus: Record<CaseStatus, number>;
    /** Median hours from submission to decision over approved and rejected cases; null with none. */
    medianHoursToDecision: number | null;
  };
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

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 10) / 10;
}

const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

export interface MetricsInput {
  approved: readonly MetricCase[];
  /** Submission and decision times of rejected cases, for the median. */
  rejected: readonly { createdAt: string; decidedAt?: string }[];
  statusCounts: Partial<Record<CaseStatus, number>>;
  asOf: string;
  generatedAt: string;
}

/** Computes every metric of DESIGN.md from approved cases only. Pure: the same cases give the same figures. */
export function computeMetrics(input: MetricsInput): MetricsSnapshot {
  const facilities = new Set<string>();
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
    if (item.kind === 'telex') {
      telexProjects += 1;
      patientsImpacted += item.patientsImpacted ?? 0;
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
  }

  const decisionHours = [...input.approved, ...input.rejected]
    .filter((item): item is { createdAt: string; decidedAt: string } => typeof item.decidedAt === 'string')
    .map((item) => hoursBetween(item.createdAt, item.decidedAt));

  return {
    rulesVersion: RULES_VERSION,
    generatedAt: input.generatedAt,
    asOf: input.asOf,
    casesConsidered: input.approved.length,
    headline: { hospitalStructures: facilities.size, telexProjects, patientsImpacted, hospitalApps },
    breakdowns,
    submissions,
    pipeline: {
      byStatus: Object.fromEntries(CASE_STATUSES.map((status) => [status, Math.max(0, input.statusCounts[status] ?? 0)])) as Record<CaseStatus, number>,
      medianHoursToDecision: median(decisionHours),
    },
  };
}
