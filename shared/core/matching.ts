import { STAGES, type CaseInput, type Language } from './case';
import { fieldLabel, valueLabel } from './i18n';

/**
 * Needs matched with practices: which approved practices (`telex`, `hospital-app`, `proposal`)
 * answer an approved `need`, in what order, and why. Pure: the same cases give the same matches.
 */

/**
 * The version of the matching rule below. The status page and its JSON carry it, so a list of
 * matches can always be traced to the rule that made it; change it whenever the rule changes.
 */
export const MATCHING_RULES_VERSION = '2026.2';

/** The kinds of case that answer a need: the practices. */
export const PRACTICE_KINDS = ['telex', 'hospital-app', 'proposal'] as const satisfies readonly CaseInput['kind'][];
export type PracticeKind = (typeof PRACTICE_KINDS)[number];

export const isPractice = (kind: string): kind is PracticeKind => (PRACTICE_KINDS as readonly string[]).includes(kind);

/**
 * The shared classifications a need and a practice are compared on, most telling first, and what
 * each value in common weighs. A practice with no clinical area in common (`required`) is no match,
 * however much else it shares. A further classification is one more line here, once cases carry
 * it and the byStatus index projects it.
 */
export const MATCH_RULES = [
  { field: 'clinicalAreas', weight: 4, required: true },
  // Only `telex` cases name services today; it counts as soon as a need can name the ones it wants.
  { field: 'telexServices', weight: 2 },
  { field: 'careSettings', weight: 2 },
  { field: 'targetPopulation', weight: 2 },
  { field: 'technologies', weight: 1 },
] as const satisfies readonly { field: string; weight: number; required?: boolean }[];

export type MatchField = (typeof MATCH_RULES)[number]['field'];

/**
 * Values that never make a match on their own: `other` says an area is none of the listed ones,
 * so two cases in `other` need not be in the same area.
 */
const UNSPECIFIC = new Set(['other']);

/** How mature a stage is, for the tie-break: a practice that runs at scale first, no stage last. */
const STAGE_MATURITY: Record<(typeof STAGES)[number], number> = { scaled: 4, active: 3, concluded: 2, pilot: 1, ideation: 0 };

/** What the rule reads of a case: its classifications, and for a practice what the tie-break needs. */
export type MatchCase = { id: string; kind: CaseInput['kind']; stage?: CaseInput['stage']; decidedAt?: string } & Partial<Record<MatchField, readonly string[]>>;

/** One reason a practice answers a need: a classification and the values they have in common. */
export interface MatchReason {
  field: MatchField;
  values: string[];
}

/** A practice that answers a need, with its score and why. */
export interface Match<P extends MatchCase = MatchCase> {
  practice: P;
  score: number;
  reasons: MatchReason[];
}

/**
 * Whether `practice` answers `need`, and why: undefined when it is no practice, is the need itself,
 * or has no clinical area in common with it (`other` aside). The score is the sum, over the
 * classifications of {@link MATCH_RULES}, of each value in common times its weight.
 */
export function matchOf<P extends MatchCase>(need: MatchCase, practice: P): Match<P> | undefined {
  if (!isPractice(practice.kind) || practice.id === need.id) return undefined;
  const reasons: MatchReason[] = [];
  let score = 0;
  for (const rule of MATCH_RULES) {
    const theirs = new Set(practice[rule.field] ?? []);
    const common = (need[rule.field] ?? []).filter((value) => theirs.has(value) && !UNSPECIFIC.has(value));
    if (common.length === 0) {
      if ('required' in rule && rule.required) return undefined;
      continue;
    }
    reasons.push({ field: rule.field, values: [...new Set(common)] });
    score += common.length * rule.weight;
  }
  return { practice, score, reasons };
}

const maturity = (practice: MatchCase) => (practice.stage ? STAGE_MATURITY[practice.stage] : -1);

/**
 * The order of matches: the higher score first; on a tie the more mature stage, then the newest
 * decision, then the id, so that the order never depends on how the cases were read.
 */
export function compareMatches(a: Match, b: Match): number {
  if (a.score !== b.score) return b.score - a.score;
  const stage = maturity(b.practice) - maturity(a.practice);
  if (stage !== 0) return stage;
  const at = (b.practice.decidedAt ?? '').localeCompare(a.practice.decidedAt ?? '');
  if (at !== 0) return at;
  return a.practice.id < b.practice.id ? -1 : a.practice.id > b.practice.id ? 1 : 0;
}

/** The practices among `candidates` that answer `need`, ranked ({@link compareMatches}). */
export function matchesFor<P extends MatchCase>(need: MatchCase, candidates: Iterable<P>): Match<P>[] {
  const found: Match<P>[] = [];
  for (const candidate of candidates) {
    const match = matchOf(need, candidate);
    if (match) found.push(match);
  }
  return found.sort(compareMatches);
}

/** How many practices among `candidates` answer `need` (what the catalogue shows beside a need). */
export function countMatches(need: MatchCase, candidates: Iterable<MatchCase>): number {
  let count = 0;
  for (const candidate of candidates) if (matchOf(need, candidate)) count += 1;
  return count;
}

type Phrase = Record<Language, { one: string; many: string }>;

/** How a reason opens, in each language; a classification with none reads "<field label> in common". */
const REASON_PHRASES: Partial<Record<string, Phrase>> = {
  clinicalAreas: { it: { one: 'stessa area clinica', many: 'stesse aree cliniche' }, en: { one: 'same clinical area', many: 'same clinical areas' } },
  telexServices: { it: { one: 'stesso servizio di Tele-X', many: 'stessi servizi di Tele-X' }, en: { one: 'same Tele-X service', many: 'same Tele-X services' } },
  careSettings: { it: { one: 'stesso setting di cura', many: 'stessi setting di cura' }, en: { one: 'same care setting', many: 'same care settings' } },
  targetPopulation: { it: { one: 'stessa popolazione destinataria', many: 'stesse popolazioni destinatarie' }, en: { one: 'same target population', many: 'same target populations' } },
  technologies: { it: { one: 'stessa tecnologia', many: 'stesse tecnologie' }, en: { one: 'same technology', many: 'same technologies' } },
};

/** One reason in words: "same clinical area: Cardiology", "stesse aree cliniche: Cardiologia, Pneumologia". */
export function reasonText(reason: MatchReason, lang: Language): string {
  const phrase = REASON_PHRASES[reason.field]?.[lang];
  const opening = phrase
    ? reason.values.length === 1 ? phrase.one : phrase.many
    : lang === 'it' ? `${fieldLabel(reason.field, lang)} in comune` : `${fieldLabel(reason.field, lang)} in common`;
  return `${opening}: ${reason.values.map((value) => valueLabel(value, lang)).join(', ')}`;
}

/** Every reason of a match in words, joined as a sentence: "same clinical area: Cardiology; same care setting: Home". */
export const reasonsText = (reasons: readonly MatchReason[], lang: Language): string => reasons.map((reason) => reasonText(reason, lang)).join('; ');
