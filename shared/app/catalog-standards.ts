import type { CLINICAL_AREAS, INTEROPERABILITY, STAGES } from '../core/case';
import { questionnaireResponse, type Questionnaire, type QuestionnaireResponse } from '../core/questionnaire';
import type { CatalogItem } from './catalog';

/**
 * The public catalogue in two standard shapes: HL7 FHIR R4 (`GET /catalog.questionnaire-responses.json`,
 * a Bundle of QuestionnaireResponses to the form's Questionnaire) and the WHO Digital Health Atlas's
 * project (`GET /catalog.dha.json`). Both start from {@link CatalogItem}, the public fields only:
 * a case's contact is not in it, so it cannot be in them.
 */

/** Where the next and previous pages of an export are, when there are some. */
export interface ExportLinks {
  self: string;
  next?: string;
  previous?: string;
}

/** A FHIR R4 searchset Bundle: one page of the catalogue, its total and its neighbours. */
export interface ResponseBundle {
  resourceType: 'Bundle';
  type: 'searchset';
  timestamp: string;
  total: number;
  link: { relation: 'self' | 'next' | 'previous'; url: string }[];
  entry: { resource: QuestionnaireResponse; search: { mode: 'match' } }[];
}

/** The case's public values by field, as the Questionnaire's linkIds name them: the catalogue item less its own bookkeeping. */
function answersOf(item: CatalogItem): Record<string, unknown> {
  const { id: _id, reference: _reference, partnerName: _partnerName, decidedAt: _decidedAt, ...values } = item;
  return values;
}

/**
 * A page of approved cases as a searchset Bundle of QuestionnaireResponses to `questionnaire` (as
 * served, with its url). Entries have no `fullUrl`: a case has no address of its own in the public API.
 */
export function responseBundle(questionnaire: Questionnaire, items: readonly CatalogItem[], options: { total: number; links: ExportLinks; now: Date }): ResponseBundle {
  const { self, next, previous } = options.links;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: options.now.toISOString(),
    total: options.total,
    link: [{ relation: 'self', url: self }, ...(next ? [{ relation: 'next' as const, url: next }] : []), ...(previous ? [{ relation: 'previous' as const, url: previous }] : [])],
    entry: items.map((item) => ({
      resource: questionnaireResponse(questionnaire, answersOf(item), { id: item.id, reference: item.reference, partner: item.partner, partnerName: item.partnerName, decidedAt: item.decidedAt }),
      search: { mode: 'match' },
    })),
  };
}

/*
 * The Digital Health Atlas (WHO's registry of digital health projects) describes a project with the
 * fields of its project form (`ProjectPublishedSerializer` of its source, pulilab/who-maps). Its
 * lists (country, health focus areas, stages, standards, software, donors) are numeric ids of its
 * own database, which are not published as a code list: the export gives their English names as
 * the Atlas's source has them (its fixtures and migrations), for an importer to match, never a
 * guessed id. README.md ("Standard exports") has the whole mapping.
 */

type ClinicalArea = (typeof CLINICAL_AREAS)[number];
type Interoperability = (typeof INTEROPERABILITY)[number];
type Stage = (typeof STAGES)[number];

/**
 * The Atlas's health focus area of each clinical area, where one corresponds (names from its
 * health focus area fixture); `null` where none does: such areas go to `unmapped`.
 */
export const DHA_HEALTH_FOCUS_AREAS: Record<ClinicalArea, string | null> = {
  cardiology: 'Cardiovascular disease',
  pulmonology: 'Diseases of the respiratory system  (e.g. asthma, COPD)',
  oncology: 'Cancer',
  rehabilitation: null,
  neurology: 'Diseases of the nervous system (e.g. epilepsy, cerebral palsy)',
  diabetology: 'Diabetes',
  nephrology: 'Diseases of the kidney and the urinary system',
  geriatrics: 'Ageing',
  'mental-health': 'Mental health',
  other: null,
};

/** The Atlas's interoperability standard of each of ours, where it lists one; the FSE is a national service, not a standard. */
export const DHA_STANDARDS: Record<Interoperability, string | null> = {
  fse: null,
  fhir: 'HL7 FHIR',
  hl7v2: 'HL7 v2',
  dicom: 'DICOM',
  'ihe-xds': 'XDS - Cross-Enterprise Document Sharing',
};

/** The Atlas's project stage closest to each of ours (its ten stages, from ideation to hand-over). */
export const DHA_STAGES: Record<Stage, string> = {
  ideation: 'Opportunity and Ideation',
  pilot: 'Piloting and Evidence Generation',
  active: 'Deploying',
  scaled: 'Scaling up',
  concluded: 'Hand over or Complete',
};

/** One approved case as an Atlas project: its field names, with names where the Atlas has ids. */
export interface DhaProject {
  name: string;
  organisation: string;
  country: { name: 'Italy'; iso3166: 'IT' };
  geographic_scope: string;
  implementation_overview: string;
  implementing_partners: string[];
  start_date?: string;
  stages: { name: string }[];
  health_focus_areas: string[];
  interoperability_standards: string[];
  /**
   * The case's catalogue entry as `/catalog` gives it, in the Hub's codes (so whatever the Atlas
   * has no field or no value for is still there, new fields included), and what did not map.
   */
  hub_intake: CatalogItem & { unmapped: { clinical_areas: string[]; interoperability: string[] } };
}

const mapped = <K extends string>(table: Record<K, string | null>, values: readonly string[]) => {
  const names: string[] = [];
  const unmapped: string[] = [];
  for (const value of values) {
    const name = Object.hasOwn(table, value) ? table[value as K] : null;
    if (name) names.push(name);
    else unmapped.push(value);
  }
  return { names: [...new Set(names)], unmapped };
};

/** An approved case as a Digital Health Atlas project. */
export function dhaProject(item: CatalogItem): DhaProject {
  const areas = mapped(DHA_HEALTH_FOCUS_AREAS, item.clinicalAreas);
  const standards = mapped(DHA_STANDARDS, item.interoperability);
  const stage = item.stage && Object.hasOwn(DHA_STAGES, item.stage) ? DHA_STAGES[item.stage as Stage] : undefined;
  return {
    name: item.title,
    organisation: item.partnerName,
    country: { name: 'Italy', iso3166: 'IT' },
    geographic_scope: `Lombardia (Lombardy), Italia: ${item.facility.name}`,
    implementation_overview: item.summary,
    implementing_partners: [item.facility.name],
    ...(item.startDate ? { start_date: item.startDate } : {}),
    stages: stage ? [{ name: stage }] : [],
    health_focus_areas: areas.names,
    interoperability_standards: standards.names,
    hub_intake: { ...item, unmapped: { clinical_areas: areas.unmapped, interoperability: standards.unmapped } },
  };
}

/** A page of the catalogue as Atlas projects, with where the format comes from. */
export function dhaExport(items: readonly CatalogItem[], options: { total: number; links: ExportLinks; now: Date }) {
  const { next, previous } = options.links;
  return {
    format: 'WHO Digital Health Atlas project (field names of its project form; English names where the Atlas uses ids of its own)',
    generatedAt: options.now.toISOString(),
    total: options.total,
    projects: items.map(dhaProject),
    ...(next ? { next } : {}),
    ...(previous ? { previous } : {}),
  };
}
