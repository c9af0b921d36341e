import { z } from 'zod';
import { Partner } from './domain/partners';

const csv = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

const optionalUrl = z.url().optional().or(z.literal('').transform(() => undefined));

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
  REVIEWERS: csv.pipe(z.array(z.email())),
  STATE_MACHINE_ARN: z.string().optional(),
  SES_CONFIGURATION_SET: z.string().optional(),
  DYNAMODB_ENDPOINT: optionalUrl,
  SES_ENDPOINT: optionalUrl,
  SFN_ENDPOINT: optionalUrl,
  REVIEW_WINDOW_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
  REMINDERS: z.coerce.number().int().min(0).default(2),
  AMEND_WINDOW_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 3600),
  /** Days after a decision when the submitter's contact data is erased. */
  RETENTION_DAYS: z.coerce.number().int().positive().default(730),
  /** Signs the form's proof-of-work challenges (serve-form issues them, submit-case checks them). */
  CHALLENGE_HMAC_KEY: z.string().min(32, 'CHALLENGE_HMAC_KEY must be at least 32 characters').optional(),
});

export type Config = z.infer<typeof EnvSchema> & {
  /** The origin of PUBLIC_BASE_URL, the Hub's own pages. */
  ownOrigin: string;
  partnersById: ReadonlyMap<string, Partner>;
};

export class ConfigError extends Error {}

/** Parses the environment; fails with every problem named, so a misconfigured function never starts half-working. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = EnvSchema.safeParse(env);
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
