import { CASE_KINDS, CLINICAL_AREAS, STAGES, type CaseInput, type Language } from './case';

/**
 * The version of the findings' rules below, in every snapshot beside the counting rules' version.
 * The findings have a version of their own because they are read differently: the headline figures
 * and breakdowns keep `RULES_VERSION`, so adding or refining a finding never makes two snapshots'
 * figures look computed by different rules. Change it whenever a rule of a finding changes.
 */
export const FINDINGS_VERSION = '2026.1';

/** How many clinical areas lead at most, before ties with the last of them. */
export const LEADING_AREAS = 4;

/** What the findings read of an approved project: attributes the byStatus index projects. */
export type FindingCase = Pick<CaseInput, 'kind' | 'partner' | 'clinicalAreas'> &
  Partial<Pick<CaseInput, 'careSettings' | 'stage' | 'funding' | 'reimbursement' | 'interoperability'>>;

/** A part of the projects: how many, of how many, and the share in percent (one decimal; null with no project). */
export interface Share {
  count: number;
  total: number;
  percent: number | null;
}

export interface AreaShare extends Share {
  area: string;
}

export const NOT_STATED = 'not-stated';

/** The findings the Hub's report comments, computed from approved Tele-X projects and hospital applications. */
export interface Findings {
  version: string;
  /** Approved telex and hospital-app cases: the denominator of every share. */
  projects: number;
  /** Approved cases of every kind, by kind: what was collected. */
  byKind: Record<string, number>;
  /** The organisations involved: partners with approved cases of any kind, and how many, by partner id. */
  partners: Record<string, number>;
  /** Areas with the most projects (`other` aside), the first {@link LEADING_AREAS} and any tied with the last. */
  leadingClinicalAreas: AreaShare[];
  /** Reimbursement `unclear` or not stated; `unclear` and `notStated` say which. */
  reimbursementUnclear: Share & { unclear: number; notStated: number };
  /** Interoperable with the FSE (Fascicolo Sanitario Elettronico) or through FHIR; `fse` and `fhir` count each. */
  interoperable: Share & { fse: number; fhir: number };
  /** Funded (also) by the PNRR. */
  pnrrFunded: Share;
  /** Delivered at home, and in hospital (a project may be both); `both` and `neither` complete the picture. */
  settings: { home: Share; hospital: Share; both: number; neither: number };
  /** Projects by stage reached, `not-stated` included; `mature` is active, scaled or concluded. */
  stages: { byStage: Record<string, number>; mature: Share };
}

export const FINDING_NAMES = ['leadingClinicalAreas', 'reimbursementUnclear', 'interoperable', 'pnrrFunded', 'settings', 'stages'] as const;
export type FindingName = (typeof FINDING_NAMES)[number];

/** Each finding's rule, in a sentence a reader of the report can check against the catalogue. */
export const FINDING_RULES: Record<FindingName, Record<Language, string>> = {
  leadingClinicalAreas: {
    it: `Per ogni area clinica (esclusa «altro»), i progetti approvati che la indicano sul totale dei progetti; sono in testa le prime ${LEADING_AREAS} per numero di progetti e quelle a pari merito con la quarta. Un progetto di più aree conta in ciascuna.`,
    en: `For each clinical area (except "other"), the approved projects that name it over all projects; the first ${LEADING_AREAS} by number of projects lead, with any tied with the fourth. A project of several areas counts in each.`,
  },
  reimbursementUnclear: {
    it: 'Progetti approvati la cui rimborsabilità è dichiarata «non chiara» o non è indicata, sul totale dei progetti.',
    en: 'Approved projects whose reimbursement is stated as "unclear" or not stated at all, over all projects.',
  },
  interoperable: {
    it: 'Progetti approvati che dichiarano l’integrazione con il Fascicolo Sanitario Elettronico (FSE) o lo standard HL7 FHIR, sul totale dei progetti.',
    en: 'Approved projects that state integration with the Electronic Health Record (FSE) or the HL7 FHIR standard, over all projects.',
  },
  pnrrFunded: {
    it: 'Progetti approvati che indicano il PNRR tra le fonti di finanziamento, sul totale dei progetti.',
    en: 'Approved projects that name the PNRR among their funding sources, over all projects.',
  },
  settings: {
    it: 'Progetti approvati che indicano il domicilio tra i setting di cura, e quelli che indicano l’ospedale, ciascuno sul totale dei progetti; un progetto può indicarli entrambi.',
    en: 'Approved projects that name the home among their care settings, and those that name the hospital, each over all projects; a project may name both.',
  },
  stages: {
    it: 'Progetti approvati per fase raggiunta; sono maturi quelli attivi, su larga scala o conclusi, sul totale dei progetti.',
    en: 'Approved projects by the stage they reached; active, scaled and concluded ones are mature, over all projects.',
  },
};

/** A share in percent with one decimal, null when there is nothing to divide by. */
export function share(count: number, total: number): Share {
  return { count, total, percent: total > 0 ? Math.round((count * 1000) / total) / 10 : null };
}

/** The findings as an accumulator, fed every approved case, one at a time, by the metrics fold. */
export interface FindingsFold {
  add(item: FindingCase): void;
  result(): Findings;
}

export function createFindingsFold(): FindingsFold {
  let projects = 0;
  const byKind: Record<string, number> = Object.fromEntries(CASE_KINDS.map((kind) => [kind, 0]));
  const partners: Record<string, number> = {};
  const areas = new Map<string, number>(CLINICAL_AREAS.map((area) => [area, 0]));
  const byStage: Record<string, number> = Object.fromEntries([...STAGES, NOT_STATED].map((stage) => [stage, 0]));
  let unclear = 0;
  let notStatedReimbursement = 0;
  let interoperable = 0;
  let fse = 0;
  let fhir = 0;
  let pnrr = 0;
  let home = 0;
  let hospital = 0;
  let both = 0;
  let neither = 0;
  let mature = 0;

  return {
    add(item) {
      byKind[item.kind] = (byKind[item.kind] ?? 0) + 1;
      partners[item.partner] = (partners[item.partner] ?? 0) + 1;
      // Needs and proposals are what was collected, not projects: the shares are of projects.
      if (item.kind !== 'telex' && item.kind !== 'hospital-app') return;
      projects += 1;
      // A set: an area named twice by one project counts once.
      for (const area of new Set(item.clinicalAreas)) areas.set(area, (areas.get(area) ?? 0) + 1);
      if (item.reimbursement === 'unclear') unclear += 1;
      else if (item.reimbursement === undefined) notStatedReimbursement += 1;
      const standards = item.interoperability ?? [];
      if (standards.includes('fse')) fse += 1;
      if (standards.includes('fhir')) fhir += 1;
      if (standards.includes('fse') || standards.includes('fhir')) interoperable += 1;
      if ((item.funding ?? []).includes('pnrr')) pnrr += 1;
      const settings = item.careSettings ?? [];
      const atHome = settings.includes('home');
      const inHospital = settings.includes('hospital');
      if (atHome) home += 1;
      if (inHospital) hospital += 1;
      if (atHome && inHospital) both += 1;
      if (!atHome && !inHospital) neither += 1;
      const stage = item.stage ?? NOT_STATED;
      byStage[stage] = (byStage[stage] ?? 0) + 1;
      if (stage === 'active' || stage === 'scaled' || stage === 'concluded') mature += 1;
    },

    result() {
      // Most projects first; on a tie, the order of the classification: nothing depends on the cases' order.
      const ranked = CLINICAL_AREAS.filter((area) => area !== 'other')
        .map((area, index) => ({ area, count: areas.get(area) ?? 0, index }))
        .filter(({ count }) => count > 0)
        .sort((a, b) => b.count - a.count || a.index - b.index);
      const cutoff = ranked[LEADING_AREAS - 1]?.count ?? 0;
      const leading = ranked.filter(({ count }, index) => index < LEADING_AREAS || count === cutoff);
      return {
        version: FINDINGS_VERSION,
        projects,
        byKind: { ...byKind },
        partners: Object.fromEntries(Object.entries(partners).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        leadingClinicalAreas: leading.map(({ area, count }) => ({ area, ...share(count, projects) })),
        reimbursementUnclear: { ...share(unclear + notStatedReimbursement, projects), unclear, notStated: notStatedReimbursement },
        interoperable: { ...share(interoperable, projects), fse, fhir },
        pnrrFunded: share(pnrr, projects),
        settings: { home: share(home, projects), hospital: share(hospital, projects), both, neither },
        stages: { byStage: { ...byStage }, mature: share(mature, projects) },
      };
    },
  };
}

/** The findings of projects held in memory, through the same fold. */
export function computeFindings(items: readonly FindingCase[]): Findings {
  const fold = createFindingsFold();
  for (const item of items) fold.add(item);
  return fold.result();
}
