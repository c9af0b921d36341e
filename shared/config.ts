import * as z from 'zod';
import { Partner } from './core/partners';
import { parseReviewerText, partnersLeftWithoutCoordinator, strandedMessage, type Reviewer } from './core/reviewers';

/** `REVIEWERS` and `COORDINATORS`: comma-separated addresses or a JSON array of `{email, organisation?, areas?}`. */
const reviewerList = z
  .string()
  .default('')
  .transform((raw, ctx): Reviewer[] => {
    const parsed = parseReviewerText(raw);
    if (parsed.ok) return parsed.value;
    for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
    return z.NEVER;
  });

const optionalUrl = z.url().optional().or(z.literal('').transform(() => undefined));

/** The controller the privacy notice names where a stage configures none. */
export const DEFAULT_PRIVACY = {
  controller: 'Lombardy Digital Health Innovation Hub',
  contactEmail: 'privacy@digitalhealthhub.example.org',
} as const;

const EnvSchema = z.object({
  STAGE: z.string().default('local'),
  TABLE_NAME: z.string().min(1),
  PUBLIC_BASE_URL: z.url().transform((url) => url.replace(/\/+$/, '')),
  MAIL_FROM: z.email(),
  PARTNERS: z
    .string()
    .min(2)
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'PARTNERS is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(Partner).min(1)),
  REVIEWERS: reviewerList,
  /** The Hub's coordinators: asked when no reviewer is left for a case, and when its review escalates. */
  COORDINATORS: reviewerList,
  /** Signs the form's proof-of-work challenges; without it the form cannot submit. */
  CHALLENGE_HMAC_KEY: z.string().min(16).optional(),
  STATE_MACHINE_ARN: z.string().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  DYNAMODB_ENDPOINT: optionalUrl,
  SES_ENDPOINT: optionalUrl,
  SFN_ENDPOINT: optionalUrl,
  REVIEW_WINDOW_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
  REMINDERS: z.coerce.number().int().min(0).default(2),
  /** How long the coordinators have once a review escalates to them; the review window when unset. */
  ESCALATION_WINDOW_SECONDS: z.coerce.number().int().positive().optional(),
  AMEND_WINDOW_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 3600),
  /** How long a case sent through the form waits for its contact to confirm the address. */
  CONFIRM_WINDOW_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
  /** Days after a decision when the submitter's contact data is erased. */
  RETENTION_DAYS: z.coerce.number().int().positive().default(730),
  /** The controller of the submitters' personal data, named by the privacy notice. */
  PRIVACY_CONTROLLER: z.string().min(2).max(200).default(DEFAULT_PRIVACY.controller),
  /** Where people write to exercise their rights (access, erasure, ...). */
  PRIVACY_CONTACT_EMAIL: z.email().default(DEFAULT_PRIVACY.contactEmail),
  /**
   * The Hub's address for introductions: a need's submitter who wants to meet the people behind a
   * practice that answers it writes here (the status page and the match mail say so).
   */
  HUB_CONTACT_EMAIL: z.email().optional().or(z.literal('').transform(() => undefined)),
  /** The value CloudFront puts in {@link ORIGIN_VERIFY_HEADER}; unset in the embedded runtime. */
  ORIGIN_VERIFY_SECRET: z.string().min(32).optional(),
}).superRefine((env, ctx) => {
  // An organisation no partner has would never match a case: a typo that silently disables the conflict rule.
  const partners = new Set(env.PARTNERS.map((partner) => partner.id));
  for (const name of ['REVIEWERS', 'COORDINATORS'] as const) {
    env[name].forEach((reviewer, index) => {
      if (reviewer.organisation && !partners.has(reviewer.organisation)) {
        ctx.addIssue({ code: 'custom', message: `organisation "${reviewer.organisation}" is no configured partner id`, path: [name, index, 'organisation'] });
      }
    });
  }
  // A function that routes reviews must have someone for every partner's escalation, or such a case would expire with nobody asked.
  if (env.REVIEWERS.length > 0 || env.COORDINATORS.length > 0) {
    const stranded = partnersLeftWithoutCoordinator({ reviewers: env.REVIEWERS, coordinators: env.COORDINATORS }, [...partners]);
    if (stranded.length > 0) ctx.addIssue({ code: 'custom', message: strandedMessage(stranded, env.COORDINATORS.length), path: ['COORDINATORS'] });
  }
});

/**
 * The partners bundled into a deployed function: `infra/constructs/hub-function.ts` has esbuild
 * inject a module that gives this identifier the stage's partners as a JSON string, so a function reads them
 * without a call at start and without the 4 KB of its environment. Not bundled (the embedded
 * runtime, tests), it does not exist and the partners come from `PARTNERS` in the environment.
 */
declare const HUB_INTAKE_PARTNERS: string | undefined;

/** The bundled partners' JSON, or undefined where nothing was bundled. */
export function bundledPartners(): string | undefined {
  return typeof HUB_INTAKE_PARTNERS === 'string' ? HUB_INTAKE_PARTNERS : undefined;
}

/** The identifier the deployed bundles get the partners' JSON under (esbuild `inject`). */
export const BUNDLED_PARTNERS_IDENTIFIER = 'HUB_INTAKE_PARTNERS';

/**
 * The header CloudFront adds to every request it forwards to the HTTP API, with the stage's
 * origin secret: the API refuses requests without it, so nobody reaches it around the edge.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The origin secret the function was deployed with (read on each call: it is one lookup). */
export const originVerifySecret = (): string | undefined => process.env.ORIGIN_VERIFY_SECRET || undefined;

export type Config = z.infer<typeof EnvSchema> & {
  /** The origin of PUBLIC_BASE_URL, the Hub's own pages. */
  ownOrigin: string;
  partnersById: ReadonlyMap<string, Partner>;
};

export class ConfigError extends Error {}

/**
 * Parses the environment, with the partners from the bundle when the function has them there
 * (`partners`, the same JSON `PARTNERS` holds otherwise); fails with every problem named, so a
 * misconfigured function never starts half-working.
 */
export function parseConfig(env: Record<string, string | undefined>, partners: string | undefined = bundledPartners()): Config {
  const result = EnvSchema.safeParse(partners === undefined ? env : { ...env, PARTNERS: partners });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  return {
    ...parsed,
    ownOrigin: new URL(parsed.PUBLIC_BASE_URL).origin,
    partnersById: new Map(parsed.PARTNERS.map((partner) => [partner.id, partner])),
  };
}

let cached: Config | undefined;

/** The process configuration, parsed once from `process.env`. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Forgets the parsed configuration (the local runtime and tests change the environment). */
export function resetConfig(): void {
  cached = undefined;
}
