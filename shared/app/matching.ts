import type { CaseInput, Language } from '../core/case';
import type { CaseRecord } from '../core/case-record';
import { MATCHING_RULES_VERSION, PRACTICE_KINDS, countMatches, matchesFor, type Match, type MatchCase, type MatchReason } from '../core/matching';
import type { Partner } from '../core/partners';
import { catalogSearch } from './catalog';

/**
 * Needs matched with practices, as the submitter of a need sees them (the status page) and hears
 * of them (one mail per practice approved after the need). What is shown of a practice is its
 * public catalogue fields, copied one by one ({@link toPracticeView}): never its contact.
 */

/** An approved case as the matching reads it: the byStatus index's public attributes. */
export type ApprovedCase = MatchCase &
  Pick<CaseInput, 'partner' | 'title' | 'facility'> &
  Partial<Pick<CaseInput, 'medicalDevice'>> & {
    reference: string;
    decidedAt: string;
  };

/** Reads approved cases for the matching: the port the DynamoDB adapter implements. */
export interface ApprovedCaseReader {
  /**
   * Every approved case of these kinds, public attributes only, from the byStatus index, page
   * after page to the end (the approved set is small: hundreds of cases).
   */
  approved(kinds: readonly CaseInput['kind'][]): Promise<ApprovedCase[]>;
}

/** A practice that answers a need, as the need's submitter sees it: public fields, the partner's name, why. */
export interface PracticeView {
  id: string;
  reference: string;
  kind: CaseInput['kind'];
  title: string;
  partner: string;
  partnerName: string;
  facility: { name: string; code?: string };
  clinicalAreas: string[];
  telexServices: string[];
  careSettings: string[];
  targetPopulation: string[];
  technologies: string[];
  stage?: string;
  medicalDevice?: string;
  decidedAt: string;
  score: number;
  reasons: MatchReason[];
}

/** What the status page of an approved need lists: the ranked practices and the rule that ranked them. */
export interface NeedMatches {
  rulesVersion: string;
  practices: PracticeView[];
}

/** What a case gives the rule: the need's own classifications, from its stored data. */
export function matchCaseOf(record: Pick<CaseRecord, 'id' | 'data' | 'decidedAt'>): MatchCase {
  const { kind, stage, clinicalAreas, telexServices, careSettings, targetPopulation, technologies } = record.data;
  return { id: record.id, kind, ...(stage ? { stage } : {}), ...(record.decidedAt ? { decidedAt: record.decidedAt } : {}), clinicalAreas, telexServices, careSettings, targetPopulation, technologies };
}

/** The public view of a matched practice, field by field: a field of the case is shown only once it is listed here. */
export function toPracticeView(match: Match<ApprovedCase>, partners: ReadonlyMap<string, Partner>): PracticeView {
  const { practice } = match;
  const list = (values: readonly string[] | undefined) => [...(values ?? [])];
  return {
    id: practice.id,
    reference: practice.reference,
    kind: practice.kind,
    title: practice.title,
    partner: practice.partner,
    partnerName: partners.get(practice.partner)?.name ?? practice.partner,
    facility: { name: practice.facility.name, ...(practice.facility.code ? { code: practice.facility.code } : {}) },
    clinicalAreas: list(practice.clinicalAreas),
    telexServices: list(practice.telexServices),
    careSettings: list(practice.careSettings),
    targetPopulation: list(practice.targetPopulation),
    technologies: list(practice.technologies),
    ...(practice.stage ? { stage: practice.stage } : {}),
    ...(practice.medicalDevice ? { medicalDevice: practice.medicalDevice } : {}),
    decidedAt: practice.decidedAt,
    score: match.score,
    reasons: match.reasons.map(({ field, values }) => ({ field, values: [...values] })),
  };
}

/**
 * The practices that answer a need, ranked, for its status page: none unless the case is an
 * approved need (one read of the approved practices on the byStatus index otherwise).
 */
export async function needMatches(
  deps: { approvedCases: ApprovedCaseReader; partners: ReadonlyMap<string, Partner> },
  record: Pick<CaseRecord, 'id' | 'data' | 'status' | 'decidedAt'>,
): Promise<NeedMatches | undefined> {
  if (record.data.kind !== 'need' || record.status !== 'approved') return undefined;
  const practices = await deps.approvedCases.approved(PRACTICE_KINDS);
  return {
    rulesVersion: MATCHING_RULES_VERSION,
    practices: matchesFor(matchCaseOf(record), practices).map((match) => toPracticeView(match, deps.partners)),
  };
}

/**
 * Where a practice is in the public catalogue: the page of its partner's cases of its kind (a
 * hundred a page, so it is there), at its card's anchor (the card's id is the case's reference).
 */
export function catalogUrl(publicBaseUrl: string, practice: Pick<PracticeView, 'kind' | 'partner' | 'reference'>, lang: Language): string {
  return `${publicBaseUrl}/catalog${catalogSearch({ kind: practice.kind, partner: practice.partner }, { limit: 100, lang })}#${encodeURIComponent(practice.reference)}`;
}

/**
 * How many approved practices answer a case of the catalogue: a count for a need, undefined for
 * anything else. Reads the approved practices once (one query of the byStatus index, page after
 * page), and not at all when `needed` is false (a page with no need on it).
 */
export async function practiceCounter(reader: ApprovedCaseReader, needed = true): Promise<(item: MatchCase) => number | undefined> {
  if (!needed) return () => undefined;
  const practices = await reader.approved(PRACTICE_KINDS);
  return (item) => (item.kind === 'need' ? countMatches(item, practices) : undefined);
}
