import * as z from 'zod';
import { CLINICAL_AREAS } from './case';

type ClinicalArea = (typeof CLINICAL_AREAS)[number];

/**
 * One person the Hub may ask to review: a reviewer, or a coordinator. `organisation` is the
 * partner id of the organisation they work for: they are never asked about that partner's cases
 * (conflict of interest). `areas` are the clinical areas they cover; none means every area.
 */
export const Reviewer = z.strictObject({
  email: z.email(),
  organisation: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a partner id (lowercase letters, digits and hyphens)')
    .optional(),
  areas: z.array(z.enum(CLINICAL_AREAS)).min(1).optional(),
});
export type Reviewer = z.infer<typeof Reviewer>;

/** A list of reviewers or coordinators: each address once. */
export const ReviewerList = z.array(Reviewer).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((reviewer, index) => {
    const email = reviewer.email.trim().toLowerCase();
    if (seen.has(email)) ctx.addIssue({ code: 'custom', message: `${reviewer.email} is listed twice`, path: [index, 'email'] });
    seen.add(email);
  });
});

/** Someone asked to review one case: who, in what role, and for which organisation they work. */
export interface Recipient {
  email: string;
  role: ReviewerRole;
  organisation?: string;
}
export type ReviewerRole = 'reviewer' | 'coordinator';

/** Why a review request went out: a new round, a reminder of it, or the escalation to the coordinators. */
export const REQUEST_REASONS = ['review', 'reminder', 'escalation'] as const;
export type RequestReason = (typeof REQUEST_REASONS)[number];

/** The Hub's reviewers and coordinators, as configured. */
export interface ReviewerDirectory {
  reviewers: readonly Reviewer[];
  coordinators: readonly Reviewer[];
}

const address = (email: string) => email.trim().toLowerCase();

/**
 * The addresses that work for `partner` in any entry of the directory: one person listed twice
 * (as a reviewer and as a coordinator, say) is in conflict if either entry names the partner.
 */
function conflicted(directory: ReviewerDirectory, partner: string): Set<string> {
  const own = [...directory.reviewers, ...directory.coordinators].filter((r) => r.organisation === partner);
  return new Set(own.map((r) => address(r.email)));
}

const covers = (reviewer: Reviewer, areas: readonly ClinicalArea[]) => !reviewer.areas || reviewer.areas.some((area) => areas.includes(area));

function recipients(list: readonly Reviewer[], role: ReviewerRole, excluded: Set<string>): Recipient[] {
  const seen = new Set(excluded);
  const chosen: Recipient[] = [];
  for (const reviewer of list) {
    const key = address(reviewer.email);
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push({ email: reviewer.email, role, ...(reviewer.organisation ? { organisation: reviewer.organisation } : {}) });
  }
  return chosen;
}

/**
 * Who is asked to review a case, in the directory's order (so that a retried or resumed task
 * asks the same people under the same indexes):
 *
 * - `review` and `reminder`: the reviewers who cover one of the case's clinical areas, or the
 *   coordinators when no reviewer is left;
 * - `escalation`: the coordinators.
 *
 * Never anyone of the submitting partner's own organisation.
 */
export function routeReview(directory: ReviewerDirectory, kase: { partner: string; clinicalAreas: readonly ClinicalArea[] }, reason: RequestReason): Recipient[] {
  const excluded = conflicted(directory, kase.partner);
  const coordinators = recipients(directory.coordinators, 'coordinator', excluded);
  if (reason === 'escalation') return coordinators;
  const reviewers = recipients(
    directory.reviewers.filter((r) => covers(r, kase.clinicalAreas)),
    'reviewer',
    excluded,
  );
  return reviewers.length > 0 ? reviewers : coordinators;
}

/**
 * The partners whose cases nobody could review once they escalate (or when no reviewer covers
 * them): every coordinator works for that partner, or there is none. A directory that leaves any
 * partner here would let such a case wait out its windows and expire with nobody ever asked.
 */
export function partnersLeftWithoutCoordinator(directory: ReviewerDirectory, partnerIds: readonly string[]): string[] {
  return partnerIds.filter((partner) => routeReview(directory, { partner, clinicalAreas: [] }, 'escalation').length === 0);
}

/** Why a directory of reviewers is refused (at start, at synthesis): the partners whose escalated cases would reach nobody. */
export function strandedMessage(partners: readonly string[], coordinators: number): string {
  const shown = partners.length > 5 ? `${partners.slice(0, 5).join(', ')} and ${partners.length - 5} more` : partners.join(', ');
  return coordinators === 0
    ? 'no coordinator: escalated cases, and cases no reviewer covers, would reach nobody'
    : `no coordinator may review the cases of ${shown} (every coordinator works for it): add one of another organisation, or of none`;
}

/**
 * Reads `REVIEWERS` or `COORDINATORS`: comma-separated addresses, or a JSON array of
 * `{email, organisation?, areas?}`. Problems come back with the path of the value at fault.
 */
export function parseReviewerText(raw: string): { ok: true; value: Reviewer[] } | { ok: false; problems: { path: (string | number)[]; message: string }[] } {
  const text = raw.trim();
  let candidate: unknown;
  if (text.startsWith('[')) {
    try {
      candidate = JSON.parse(text);
    } catch {
      return { ok: false, problems: [{ path: [], message: 'starts with "[" but is not valid JSON (a JSON array of {email, organisation?, areas?})' }] };
    }
  } else {
    const emails = text.split(',').map((item) => item.trim()).filter(Boolean);
    const problems = emails.flatMap((email, index) => (z.email().safeParse(email).success ? [] : [{ path: [index], message: 'Invalid email address' }]));
    if (problems.length > 0) return { ok: false, problems };
    candidate = emails.map((email) => ({ email }));
  }
  const parsed = ReviewerList.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message })) };
}

/**
 * The text form of a list, as `parseReviewerText` reads it: plain addresses when nobody has an
 * organisation or areas (the shortest), JSON otherwise.
 */
export function reviewerText(list: readonly Reviewer[]): string {
  return list.every((r) => !r.organisation && !r.areas) ? list.map((r) => r.email).join(',') : JSON.stringify(list);
}
