import * as z from 'zod';
import { DEFAULT_PRIVACY } from '../../shared/config';
import { Partner } from '../../shared/core/partners';
import { ReviewerList, partnersLeftWithoutCoordinator, reviewerText, strandedMessage } from '../../shared/core/reviewers';
import { FUNCTIONS, type FunctionName } from '../routes';
import { HUB_PARTNERS, LOCAL_PARTNERS } from './partners';

export { EDGE_RATE_LIMIT } from './edge';

const FUNCTION_NAMES = Object.keys(FUNCTIONS) as [FunctionName, ...FunctionName[]];

/** Everything that differs between stages, checked when the app starts. */
export const StageConfig = z.strictObject({
  stage: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/),
  /** AWS account and region to deploy to; unset means the CLI's current ones. */
  env: z.strictObject({ account: z.string().optional(), region: z.string().optional() }),
  /**
   * The stage's own domain, served by its CloudFront distribution with an ACM certificate (in
   * us-east-1, validated through DNS). With `hostedZone`, the certificate is validated and the
   * alias records (A and AAAA) are created in that Route 53 zone; without, the validation record
   * and the alias are added by hand where the domain's DNS is kept (README, deploy). Unset: the
   * distribution's own `*.cloudfront.net` name.
   */
  domain: z
    .strictObject({
      name: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/),
      hostedZone: z.strictObject({ id: z.string().regex(/^Z[A-Z0-9]{1,31}$/), name: z.string().min(3) }).optional(),
    })
    .optional(),
  /** The verified SES sender. */
  mailFrom: z.email(),
  /** Where alarms go. */
  opsEmail: z.email(),
  /**
   * The Hub's reviewers: `{email, organisation?, areas?}`, where `organisation` is the partner id
   * they work for (never asked about its cases) and `areas` the clinical areas they cover (none:
   * every area). They reach the one function that mails them as `REVIEWERS`.
   */
  reviewers: ReviewerList.min(1),
  /** The Hub's coordinators, in the same form: the fallback when no reviewer is left, and the escalation. */
  coordinators: ReviewerList.min(1),
  partners: z.array(Partner).min(1),
  review: z.strictObject({
    windowSeconds: z.int().positive(),
    reminders: z.int().min(0).max(10),
    /** How long the coordinators have once a review escalates to them. @default windowSeconds */
    escalationWindowSeconds: z.int().positive().optional(),
    amendWindowSeconds: z.int().positive(),
  }),
  aggregateEveryMinutes: z.int().positive(),
  /** Days after a decision when contact data is erased. */
  retentionDays: z.int().positive(),
  /**
   * Who the privacy notice (`/privacy`) names as the controller of the submitters' personal
   * data, and the address where people exercise their rights.
   */
  privacy: z.strictObject({ controller: z.string().min(2).max(200), contactEmail: z.email() }),
  /** The Hub's address for introductions: a need's submitter writes here to meet the people behind a matching practice. */
  hubContactEmail: z.email().optional(),
  /**
   * Reserved concurrency of every function (a cap, and a guarantee), or `false` to reserve none.
   * Lambda keeps at least 100 of an account's concurrency unreserved (10 in accounts whose quota
   * is still the initial 10), so a stage may only reserve where the account's quota allows.
   */
  reservedConcurrency: z.union([z.literal(false), z.record(z.enum(FUNCTION_NAMES), z.int().min(1).max(100))]),
}).superRefine((cfg, ctx) => {
  // An organisation no partner has would never match a case: a typo that silently disables the conflict rule.
  const partners = new Set(cfg.partners.map((partner) => partner.id));
  for (const field of ['reviewers', 'coordinators'] as const) {
    cfg[field].forEach((reviewer, index) => {
      if (reviewer.organisation && !partners.has(reviewer.organisation)) {
        ctx.addIssue({ code: 'custom', message: `organisation "${reviewer.organisation}" is no partner id of this stage`, path: [field, index, 'organisation'] });
      }
    });
  }
  const stranded = partnersLeftWithoutCoordinator(cfg, [...partners]);
  if (stranded.length > 0) ctx.addIssue({ code: 'custom', message: strandedMessage(stranded, cfg.coordinators.length), path: ['coordinators'] });
});
export type StageConfig = z.infer<typeof StageConfig> & {
  /**
   * Base of every link in emails, derived from `domain`: `https://<domain>`. Unset without a
   * domain: the stack then uses the distribution's own https URL (never the bare API URL).
   */
  publicBaseUrl?: string;
};

const DAY = 24 * 3600;

const common = {
  // Milan: the Hub's data stays in Italy. An opt-in region: enable it once per account (README, deploy).
  env: { region: 'eu-south-1' },
  partners: [...HUB_PARTNERS],
  review: { windowSeconds: 7 * DAY, reminders: 2, amendWindowSeconds: 30 * DAY },
  aggregateEveryMinutes: 60,
  retentionDays: 730,
  privacy: { controller: DEFAULT_PRIVACY.controller, contactEmail: DEFAULT_PRIVACY.contactEmail },
  hubContactEmail: 'hub@digitalhealthhub.example.org',
  // New accounts start with a concurrency quota of 10, none of which may be reserved.
  reservedConcurrency: false as const,
};

const STAGES: Record<string, StageConfig> = {
  local: {
    ...common,
    stage: 'local',
    partners: [...LOCAL_PARTNERS],
    mailFrom: 'hub-intake@localhost.localdomain',
    opsEmail: 'ops@localhost.localdomain',
    // Examples that show the routing: a Humanitas case of cardiology (the form's example) goes to
    // the first two and never to the third, who works for Humanitas.
    reviewers: [
      { email: 'revisore1@hub.example.org', organisation: 'maugeri', areas: ['cardiology', 'pulmonology', 'rehabilitation'] },
      { email: 'revisore2@hub.example.org' },
      { email: 'revisore3@hub.example.org', organisation: 'humanitas', areas: ['cardiology', 'oncology'] },
    ],
    coordinators: [{ email: 'coordinamento@hub.example.org' }],
    // Timers of the embedded runtime cannot wait longer than 24.8 days.
    review: { ...common.review, amendWindowSeconds: 20 * DAY },
  },
  dev: {
    ...common,
    stage: 'dev',
    mailFrom: 'hub-intake-dev@digitalhealthhub.example.org',
    opsEmail: 'ops@digitalhealthhub.example.org',
    reviewers: [{ email: 'revisore1@digitalhealthhub.example.org' }],
    coordinators: [{ email: 'coordinamento@digitalhealthhub.example.org' }],
    review: { windowSeconds: 2 * DAY, reminders: 1, escalationWindowSeconds: DAY, amendWindowSeconds: 7 * DAY },
  },
  prod: {
    ...common,
    stage: 'prod',
    domain: {
      name: 'intake.digitalhealthhub.example.org',
      hostedZone: { id: 'Z0123456789EXAMPLE0AB', name: 'digitalhealthhub.example.org' },
    },
    mailFrom: 'hub-intake@digitalhealthhub.example.org',
    opsEmail: 'ops@digitalhealthhub.example.org',
    reviewers: [{ email: 'revisore1@digitalhealthhub.example.org' }, { email: 'revisore2@digitalhealthhub.example.org' }],
    coordinators: [{ email: 'coordinamento@digitalhealthhub.example.org' }],
    // 155 in all, far below what an account with the standard quota (1,000) can reserve. The
    // public functions get what the API's throttling (50 requests/s, bursts of 100) needs at
    // their latency; the workflow tasks enough for a burst of submissions; the schedules 2, so
    // that a retry can overlap a run; the stream's consumer one per shard of the table's stream
    // that Lambda reads at once (a handful at this table's size), with room for shards that split.
    reservedConcurrency: {
      'submit-case': 20,
      'get-case-status': 10,
      'serve-form': 20,
      'react-to-commit': 10,
      'sweep-outbox': 2,
      'confirm-contact': 5,
      'review-case': 10,
      'amend-case': 10,
      'request-review': 10,
      'request-changes': 5,
      'record-outcome': 10,
      'notify-submitter': 10,
      'aggregate-metrics': 2,
      'get-metrics': 20,
      'get-catalog': 10,
      'purge-personal-data': 1,
    },
  },
};

/**
 * Values that replace part of a stage's configuration. Only the embedded runtime uses them, to run
 * the very same state machine with short review timings (REVIEW_WINDOW_SECONDS and friends);
 * `cdk synth` passes none.
 */
export interface StageOverrides {
  review?: Partial<StageConfig['review']>;
}

/** The configuration of a stage, validated; an unknown stage or a bad value stops with a clear message. */
export function stageConfig(stage: string, overrides: StageOverrides = {}): StageConfig {
  const base = STAGES[stage];
  if (!base) throw new Error(`Unknown stage "${stage}". Known stages: ${Object.keys(STAGES).join(', ')}`);
  // Undefined entries keep the stage's value; the merged result is validated like the stage itself.
  const review = Object.fromEntries(Object.entries(overrides.review ?? {}).filter(([, value]) => value !== undefined));
  return parseStageConfig(stage, { ...base, review: { ...base.review, ...review } });
}

/** Validates a stage's configuration: a bad value stops synthesis with a message naming its path. */
export function parseStageConfig(stage: string, raw: unknown): StageConfig {
  const parsed = StageConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid configuration for stage ${stage}: ${z.prettifyError(parsed.error)}`);
  const { domain } = parsed.data;
  return { ...parsed.data, ...(domain ? { publicBaseUrl: `https://${domain.name}` } : {}) };
}

export const STAGE_NAMES = Object.keys(STAGES);

/** The settings every deployed function gets in its environment. */
function commonEnvironment(cfg: StageConfig, values: { tableName: string; publicBaseUrl: string }): Record<string, string> {
  return {
    STAGE: cfg.stage,
    TABLE_NAME: values.tableName,
    PUBLIC_BASE_URL: values.publicBaseUrl,
    MAIL_FROM: cfg.mailFrom,
    REVIEW_WINDOW_SECONDS: String(cfg.review.windowSeconds),
    REMINDERS: String(cfg.review.reminders),
    ESCALATION_WINDOW_SECONDS: String(cfg.review.escalationWindowSeconds ?? cfg.review.windowSeconds),
    AMEND_WINDOW_SECONDS: String(cfg.review.amendWindowSeconds),
    RETENTION_DAYS: String(cfg.retentionDays),
    PRIVACY_CONTROLLER: cfg.privacy.controller,
    PRIVACY_CONTACT_EMAIL: cfg.privacy.contactEmail,
    ...(cfg.hubContactEmail ? { HUB_CONTACT_EMAIL: cfg.hubContactEmail } : {}),
  };
}

/** The reviewers and coordinators as the functions read them (`REVIEWERS`, `COORDINATORS`), in the shortest form. */
function reviewerEnvironment(cfg: StageConfig): Record<string, string> {
  return { REVIEWERS: reviewerText(cfg.reviewers), COORDINATORS: reviewerText(cfg.coordinators) };
}

/**
 * The environment of the embedded runtime, which runs every function in one process: the
 * deployed functions' settings plus the partners (`PARTNERS`, which a deployed function has
 * bundled instead, see {@link partnersJson}), the reviewers and the coordinators.
 */
export function functionEnvironment(cfg: StageConfig, values: { tableName: string; publicBaseUrl: string }): Record<string, string> {
  return { ...commonEnvironment(cfg, values), PARTNERS: partnersJson(cfg), ...reviewerEnvironment(cfg) };
}

/** What Lambda allows in a function's environment: 4 KB of keys and values in all. */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;
/**
 * Room kept for what the stack adds after {@link deployedFunctionEnvironment}: the table name and
 * base URL are tokens at synthesis, and the origin secret, the state machine's ARN, the
 * configuration set and the Node options come later.
 */
const ENVIRONMENT_RESERVE = 1024;

/** The bytes an environment takes as Lambda counts them: every key and value. */
export const environmentBytes = (env: Record<string, string>): number =>
  Object.entries(env).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);

/**
 * The environment of one deployed function: the common settings, and the reviewers' and
 * coordinators' entries only for a function that mails them. The partners are not in it (Lambda
 * allows 4 KB of environment, and they alone would take most of it): they are bundled into the
 * code. Too many reviewers for the 4 KB stop the synthesis with a message that says so.
 */
export function deployedFunctionEnvironment(
  cfg: StageConfig,
  values: { tableName: string; publicBaseUrl: string },
  fn: { mailsReviewers?: boolean },
  name = 'the function',
): Record<string, string> {
  const env = { ...commonEnvironment(cfg, values), ...(fn.mailsReviewers ? reviewerEnvironment(cfg) : {}) };
  const bytes = environmentBytes(env);
  if (bytes + ENVIRONMENT_RESERVE > LAMBDA_ENVIRONMENT_LIMIT) {
    const reviewerBytes = fn.mailsReviewers ? environmentBytes(reviewerEnvironment(cfg)) : 0;
    throw new Error(
      `Invalid configuration for stage ${cfg.stage}: the environment of ${name} would take ${bytes} bytes ` +
        `(${reviewerBytes} of them REVIEWERS and COORDINATORS) and ${ENVIRONMENT_RESERVE} more are kept for the stack's own values, ` +
        `over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT} bytes: list fewer reviewers or coordinators, or fewer areas for each.`,
    );
  }
  return env;
}

/** The stage's partners as the JSON that `shared/config.ts` reads, from the bundle or from `PARTNERS`. */
export const partnersJson = (cfg: StageConfig): string => JSON.stringify(cfg.partners);

/**
 * The HTTP API's default route throttling: requests per second and burst, the same on API Gateway
 * and in the embedded runtime (which answers 429 beyond it, as API Gateway does).
 */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
