/**
 * The one place where the functions' dependencies are built: one builder per function (or per
 * group of functions with the same needs), each using only the factories its functions call.
 * A function imports its own builder and nothing else from here, so that its bundle holds only
 * the clients it uses: only the functions that send mail carry the SES client, only those that
 * start or answer the case-review workflow carry the Step Functions client. The functions that
 * answer people (submission, decision, amendment, confirmation) carry neither: what follows their
 * one write runs from the table's stream.
 *
 * Each builder runs once per process, on first use (a cold start that only serves a page builds
 * no clients); {@link resetWiring} forgets them all, for the embedded runtime and tests that
 * change the environment.
 */
import { config, type Config } from './config';
import type { ConfirmDeps } from './app/confirm-contact';
import type { EffectDeps, WorkflowPort } from './app/effects';
import type { MailingReviewDeps, ReviewDeps } from './app/review-flow';
import type { SubmitDeps } from './app/submit-case';
import { createHumanCheck } from './app/challenge';
import { withKeyCache } from './app/partner-keys';
import { log } from './log';
import { createSesMailer } from './adapters/ses/mailer';
import { createNotifier } from './adapters/ses/notifier';
import type { Mailer, Notifier } from './app/ports';
import type { Partner } from './core/partners';
import type { Reviewer } from './core/reviewers';
import { createCaseStore, type CaseStore } from './adapters/dynamodb/case-store';
import { createCatalogStore, type CatalogStore } from './adapters/dynamodb/catalog-store';
import { createApprovedCaseStore } from './adapters/dynamodb/approved-case-store';
import type { ApprovedCaseReader } from './app/matching';
import { createDocumentClient } from './adapters/dynamodb/clients';
import { createContactStore } from './adapters/dynamodb/contact-store';
import { createIdempotencyStore } from './adapters/dynamodb/idempotency-store';
import { createMailCapStore } from './adapters/dynamodb/mail-cap-store';
import { createMetricsStore, type MetricsStore } from './adapters/dynamodb/metrics-store';
import { createOutboxStore } from './adapters/dynamodb/outbox-store';
import { freshEntriesOf } from './adapters/dynamodb/outbox-stream';
import { createPartnerKeyStore } from './adapters/dynamodb/partner-key-store';
import { createPersonStore, type PersonStore } from './adapters/dynamodb/person-store';
import { createReportTextStore } from './adapters/dynamodb/report-text-store';
import type { ReportTextStore } from './app/report-texts';
import { createReviewStore } from './adapters/dynamodb/review-store';
import { createWorkflowPort } from './adapters/sfn/workflow-port';

let generation = 0;

/**
 * `build` over the process configuration, run on the first call and kept until {@link resetWiring}.
 * Making a builder has no side effect, so its calls are marked pure: a bundle drops every builder
 * its function never calls, and with it the clients only that builder uses.
 */
function once<T>(build: (cfg: Config) => T): () => T {
  let built: { value: T; generation: number } | undefined;
  return () => {
    if (built?.generation !== generation) built = { value: build(config()), generation };
    return built.value;
  };
}

/** Forgets every dependency built so far: the next call of a builder builds afresh from `config()`. */
export function resetWiring(): void {
  generation += 1;
}

/** One DynamoDB document client per process, shared by every builder. */
const documentClient = /* @__PURE__ */ once((cfg): ReturnType<typeof createDocumentClient> => createDocumentClient(cfg.DYNAMODB_ENDPOINT));

const notifier = /* @__PURE__ */ once(
  (cfg): Notifier => createNotifier(createSesMailer({ from: cfg.MAIL_FROM, endpoint: cfg.SES_ENDPOINT, configurationSet: cfg.SES_CONFIGURATION_SET })),
);

const workflow = /* @__PURE__ */ once((cfg): WorkflowPort => createWorkflowPort(cfg.STATE_MACHINE_ARN, cfg.SFN_ENDPOINT));

/** What every function that runs outbox effects needs; the mailer and the workflow are the caller's to add. */
function effectStores(cfg: Config): Omit<EffectDeps, 'notifier' | 'workflow'> {
  const doc = documentClient();
  return {
    cases: createCaseStore(doc, cfg.TABLE_NAME),
    outbox: createOutboxStore(doc, cfg.TABLE_NAME),
    reviews: createReviewStore(doc, cfg.TABLE_NAME),
    mailCaps: createMailCapStore(doc, cfg.TABLE_NAME),
    partners: cfg.partnersById,
    publicBaseUrl: cfg.PUBLIC_BASE_URL,
    ...(cfg.HUB_CONTACT_EMAIL ? { hubContactEmail: cfg.HUB_CONTACT_EMAIL } : {}),
    now: () => new Date(),
    log,
  };
}

/** `get-case-status`: the configuration, the case store, and the approved practices an approved need is matched with. */
export const statusDeps = /* @__PURE__ */ once((cfg): { config: Config; cases: CaseStore; approvedCases: ApprovedCaseReader; partners: ReadonlyMap<string, Partner> } => ({
  config: cfg,
  cases: createCaseStore(documentClient(), cfg.TABLE_NAME),
  approvedCases: createApprovedCaseStore(documentClient(), cfg.TABLE_NAME),
  partners: cfg.partnersById,
}));

/** `get-catalog`: the configuration, the catalog store, and the approved practices each need's count is made of. */
export const catalogDeps = /* @__PURE__ */ once((cfg): { config: Config; catalog: CatalogStore; approvedCases: ApprovedCaseReader } => ({
  config: cfg,
  catalog: createCatalogStore(documentClient(), cfg.TABLE_NAME),
  approvedCases: createApprovedCaseStore(documentClient(), cfg.TABLE_NAME),
}));

/** `get-metrics` and `aggregate-metrics`: the configuration, the metrics store and the clock. */
export const metricsDeps = /* @__PURE__ */ once((cfg): { config: Config; metrics: MetricsStore; now: () => Date } => ({
  config: cfg,
  metrics: createMetricsStore(documentClient(), cfg.TABLE_NAME),
  now: () => new Date(),
}));

/** `get-metrics`, for /report: the editors' texts of the report. */
export const reportTextsDeps = /* @__PURE__ */ once((cfg): { reportTexts: ReportTextStore } => ({ reportTexts: createReportTextStore(documentClient(), cfg.TABLE_NAME) }));

/** `purge-personal-data`: cases and the personal data in them; it sends nothing. */
export const purgeDeps = /* @__PURE__ */ once((cfg): { config: Config; cases: CaseStore; people: PersonStore; now: () => Date } => ({
  config: cfg,
  cases: createCaseStore(documentClient(), cfg.TABLE_NAME),
  people: createPersonStore(documentClient(), cfg.TABLE_NAME),
  now: () => new Date(),
}));

/**
 * `submit-case`: checks the caller and stores the case in one write; its mails and its review
 * start from the commit, so it has neither the mailer nor the workflow.
 */
export const submitDeps = /* @__PURE__ */ once((cfg): SubmitDeps & { config: Config } => {
  const doc = documentClient();
  return {
    config: cfg,
    cases: createCaseStore(doc, cfg.TABLE_NAME),
    partners: cfg.partnersById,
    publicBaseUrl: cfg.PUBLIC_BASE_URL,
    now: () => new Date(),
    log,
    idempotency: createIdempotencyStore(doc, cfg.TABLE_NAME),
    // A warm instance reads a partner's key once a minute, not once a submission (see KEY_CACHE_MS).
    partnerKeys: withKeyCache(createPartnerKeyStore(doc, cfg.TABLE_NAME)),
    humanCheck: createHumanCheck(cfg.CHALLENGE_HMAC_KEY),
    confirmedContacts: createContactStore(doc, cfg.TABLE_NAME),
    ownOrigin: cfg.ownOrigin,
    // Every stage reviews its cases: the commit starts the workflow, from react-to-commit, which has the state machine.
    startsWorkflow: true,
  };
});

/**
 * `react-to-commit` and `sweep-outbox`: run any pending effect, so they have the mailer, the
 * workflow and the partner keys (a commit records its key's last use).
 */
export const sweepDeps = /* @__PURE__ */ once((cfg): EffectDeps => ({
  ...effectStores(cfg),
  // Matching a newly approved practice with the approved needs reads the byStatus index.
  approvedCases: createApprovedCaseStore(documentClient(), cfg.TABLE_NAME),
  notifier: notifier(),
  workflow: workflow(),
  partnerKeys: createPartnerKeyStore(documentClient(), cfg.TABLE_NAME),
}));

/** `react-to-commit`: what the sweep has, and the reader of the stream's records. */
export const streamDeps = /* @__PURE__ */ once((): { effects: EffectDeps; freshEntriesOf: typeof freshEntriesOf } => ({ effects: sweepDeps(), freshEntriesOf }));

/** `confirm-contact`: remembers the confirmed contact; the review starts from the commit. */
export const confirmDeps = /* @__PURE__ */ once((cfg): ConfirmDeps => ({
  ...effectStores(cfg),
  contacts: createContactStore(documentClient(), cfg.TABLE_NAME),
  startsWorkflow: true,
}));

/** `review-case` and `amend-case`: record a decision or an amendment in one write; the stream hands it to the workflow. */
export const decisionDeps = /* @__PURE__ */ once((cfg): EffectDeps => effectStores(cfg));

const reviewSettings = (cfg: Config) => ({
  reviewers: cfg.REVIEWERS,
  coordinators: cfg.COORDINATORS,
  reviewWindowSeconds: cfg.REVIEW_WINDOW_SECONDS,
  escalationWindowSeconds: cfg.ESCALATION_WINDOW_SECONDS ?? cfg.REVIEW_WINDOW_SECONDS,
  amendWindowSeconds: cfg.AMEND_WINDOW_SECONDS,
});

/** `record-outcome`: a review task that only records; neither mail nor workflow. */
export const reviewTaskDeps = /* @__PURE__ */ once((cfg): ReviewDeps => ({ ...effectStores(cfg), ...reviewSettings(cfg) }));

/** `request-review`, `request-changes`, `notify-submitter`: review tasks that send mail. */
export const mailingTaskDeps = /* @__PURE__ */ once((cfg): MailingReviewDeps => ({ ...effectStores(cfg), ...reviewSettings(cfg), notifier: notifier() }));

const asReviewers = (list: readonly (string | Reviewer)[]): Reviewer[] => list.map((entry) => (typeof entry === 'string' ? { email: entry } : entry));

/** What {@link depsOn} needs besides the table: the stand-ins and settings of a suite or the bench. */
export interface DepsOnOptions {
  doc: ReturnType<typeof createDocumentClient>;
  tableName: string;
  mailer: Mailer;
  workflow: WorkflowPort;
  now: () => Date;
  partners: ReadonlyMap<string, Partner>;
  ownOrigin: string;
  publicBaseUrl: string;
  challengeKey: string;
  /** Addresses alone, or whole entries with organisation and areas. */
  reviewers: readonly (string | Reviewer)[];
  coordinators?: readonly (string | Reviewer)[];
  reviewWindowSeconds: number;
  /** @default reviewWindowSeconds */
  escalationWindowSeconds?: number;
  amendWindowSeconds: number;
  log?: EffectDeps['log'];
  hubContactEmail?: string;
  /** Trust a live partner key for a minute, as submit-case does (`withKeyCache`). */
  keyCache?: boolean;
}

/**
 * Every use case's dependencies over one table, from the same factories as the builders above,
 * with the mailer, workflow, clock and settings given: for the suites and the bench, which bring
 * their own stand-ins. No function calls it (it makes every store), so no bundle keeps it.
 */
export function depsOn(options: DepsOnOptions): ReviewDeps & MailingReviewDeps & SubmitDeps & ConfirmDeps & { metrics: MetricsStore } {
  const { doc, tableName } = options;
  const contacts = createContactStore(doc, tableName);
  const keys = createPartnerKeyStore(doc, tableName);
  return {
    cases: createCaseStore(doc, tableName),
    outbox: createOutboxStore(doc, tableName),
    reviews: createReviewStore(doc, tableName),
    mailCaps: createMailCapStore(doc, tableName),
    approvedCases: createApprovedCaseStore(doc, tableName),
    idempotency: createIdempotencyStore(doc, tableName),
    partnerKeys: options.keyCache ? withKeyCache(keys) : keys,
    humanCheck: createHumanCheck(options.challengeKey),
    confirmedContacts: contacts,
    contacts,
    metrics: createMetricsStore(doc, tableName),
    notifier: createNotifier(options.mailer),
    workflow: options.workflow,
    partners: options.partners,
    ownOrigin: options.ownOrigin,
    publicBaseUrl: options.publicBaseUrl,
    ...(options.hubContactEmail ? { hubContactEmail: options.hubContactEmail } : {}),
    startsWorkflow: true,
    now: options.now,
    log: options.log ?? { info: () => undefined, error: () => undefined },
    reviewers: asReviewers(options.reviewers),
    coordinators: asReviewers(options.coordinators ?? []),
    reviewWindowSeconds: options.reviewWindowSeconds,
    escalationWindowSeconds: options.escalationWindowSeconds ?? options.reviewWindowSeconds,
    amendWindowSeconds: options.amendWindowSeconds,
  };
}
