/**
 * The functions of hub-intake and the HTTP routes each serves. The CDK stack and the embedded
 * runtime both read this list, so a route exists in both places or in neither.
 */
import { INDEX, keys } from '../shared/adapters/dynamodb/keys';

/** The DynamoDB data actions a function may be granted; no Scan, no DescribeTable: nothing calls them. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'BatchWriteItem' | 'DeleteItem' | 'ConditionCheckItem';

export type IndexName = keyof typeof INDEX;

/**
 * What a function may do on the table: the DynamoDB commands its code sends (read through its
 * handler and the `shared/` stores it calls), nothing else. A function that gains an access
 * pattern changes its own line here, and only that.
 */
export interface TableGrant {
  /** Actions on the table's items (`<table>`). */
  actions: readonly TableAction[];
  /** Indexes it queries: `dynamodb:Query` on `<table>/index/<name>`, and on no other index. */
  indexes?: readonly IndexName[];
  /**
   * Only items whose partition key is one of these (`dynamodb:LeadingKeys`; `*` matches any
   * characters, as in `CASE#*`). Applies to the table actions, not to the index queries.
   */
  leadingKeys?: readonly string[];
  /** Only these attributes may be read (`dynamodb:Attributes`, with `dynamodb:Select` SPECIFIC_ATTRIBUTES). */
  attributes?: readonly string[];
}

export interface FunctionSpec {
  /** What the function does, for people reading the console. */
  description: string;
  /** Its access to the table, one grant or several (each its own statement); none when absent. */
  table?: TableGrant | readonly TableGrant[];
  sendsMail: boolean;
  /** Mails the reviewers and coordinators, so gets their addresses (`REVIEWERS`, `COORDINATORS`); no other function does. */
  mailsReviewers?: boolean;
  /** Starts case-review executions (needs the state machine's ARN). */
  startsWorkflow: boolean;
  /** Completes case-review tasks with SendTaskSuccess / SendTaskFailure. */
  answersWorkflow: boolean;
  /** Invoked by the case-review state machine rather than by HTTP or a schedule. */
  workflowTask?: boolean;
  /** How long an invocation may run; 10 s when unset. Scheduled work over every case needs more. */
  timeoutSeconds?: number;
  /**
   * Triggered by the table's DynamoDB stream, filtered to the items a commit left with fresh
   * pending effects ({@link COMMIT_STREAM} in `infra/config/stream.ts`), rather than by HTTP or a schedule.
   */
  streamTrigger?: boolean;
  /** Hands out or checks the form's proof-of-work challenges, so gets their signing key (`CHALLENGE_HMAC_KEY`). */
  checksChallenges?: boolean;
}

/** The partitions of one case (its item, versions, events, outbox entries, review items). */
const CASES = `${keys.casePartition('')}*`;

export const FUNCTIONS = {
  'submit-case': {
    description: 'POST /cases: validates and stores a case submission in one write; its mails and review follow from the stream',
    // The case item it writes (and reads, on a taken reference), its Idempotency-Key, the
    // partner's key and the contact's confirmation it reads.
    table: {
      actions: ['GetItem', 'PutItem', 'UpdateItem'],
      leadingKeys: [CASES, 'IDEMPOTENCY#*', `${keys.partnerPartition('')}*`],
    },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
    checksChallenges: true,
  },
  'get-case-status': {
    description: 'GET /cases/{id}: the status and history of a case for the holder of its link; for an approved need, the approved practices that answer it',
    // Its case's partition; and the byStatus index, read for the approved practices an approved need is matched with.
    table: { actions: ['GetItem', 'Query'], indexes: ['byStatus'], leadingKeys: [CASES] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'serve-form': {
    description: 'The embeddable form, embed.js, the JSON Schema, the FHIR Questionnaire, the OpenAPI document, the privacy notice, the form challenge and static assets',
    sendsMail: false,
    checksChallenges: true,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'react-to-commit': {
    description: 'DynamoDB stream: runs the mails, workflow starts and deliveries a commit left pending',
    // Leases and settles the outbox entries, writes what a commit implies (versions, events,
    // counters, the entries it spawns), reads the case, touches the partner key's last use; reads
    // the approved needs on the byStatus index when a practice is approved (match-needs).
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'], indexes: ['byStatus'] },
    sendsMail: true,
    startsWorkflow: true,
    answersWorkflow: true,
    streamTrigger: true,
  },
  'sweep-outbox': {
    description: 'Scheduled: the safety net behind the stream, runs every outbox entry still pending when due',
    // As react-to-commit, plus the outbox index it reads.
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'], indexes: ['outbox', 'byStatus'] },
    sendsMail: true,
    startsWorkflow: true,
    answersWorkflow: true,
  },
  'confirm-contact': {
    description: 'GET/HEAD/POST /cases/{id}/confirm: the contact confirms the address of a case sent through the form',
    // The case and its event and outbox entry; the confirmed contact in the partner's partition.
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: [CASES, `${keys.partnerPartition('')}*`] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'review-case': {
    description: 'GET/HEAD/POST /review/{reviewId}: the reviewer confirmation page and the decision (delivered from the stream)',
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'amend-case': {
    description: 'GET/POST /cases/{id}/edit: the submitter amends a case sent back for changes (delivered from the stream); /cases/{id}/resubmit sends a closed case again',
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'request-review': {
    description: 'case-review task: opens a review round (or its escalation) and emails each reviewer routed to the case, or coordinator, a link',
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
    sendsMail: true,
    mailsReviewers: true,
    startsWorkflow: false,
    answersWorkflow: false,
    workflowTask: true,
  },
  'request-changes': {
    description: 'case-review task: sends the case back to the submitter with an edit link',
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    sendsMail: true,
    startsWorkflow: false,
    answersWorkflow: false,
    workflowTask: true,
  },
  'record-outcome': {
    description: 'case-review task: records approval, rejection, expiry or failure',
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
    workflowTask: true,
  },
  'notify-submitter': {
    description: 'case-review task: emails the submitter the outcome',
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
    sendsMail: true,
    startsWorkflow: false,
    answersWorkflow: false,
    workflowTask: true,
  },
  'aggregate-metrics': {
    description: 'Scheduled: computes the Hub metrics from approved cases and stores a snapshot',
    // About 76 µs a case locally: 100,000 approved cases take some 8 s, a million over a minute.
    timeoutSeconds: 900,
    table: [
      { actions: ['GetItem'], indexes: ['byStatus'], leadingKeys: [keys.statusCounters.pk] },
      { actions: ['PutItem'], leadingKeys: keys.snapshotPartitions },
    ],
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'get-metrics': {
    description: 'GET /metrics, /metrics/history, /dashboard, /report, /embed/figures: the published figures and the report',
    // The snapshots, and the report's texts (their newest version, by a query on their partition).
    table: { actions: ['GetItem', 'Query'], leadingKeys: [keys.latestSnapshot.pk, keys.snapshotHistoryPartition, keys.reportTextsPartition] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'get-catalog': {
    description: 'GET /catalog, /catalog.csv, /catalog.xlsx, /catalog.questionnaire-responses.json, /catalog.dha.json: approved cases, public fields only',
    table: { actions: ['BatchGetItem'], indexes: ['byStatus'], leadingKeys: [CASES], attributes: ['pk', 'sk', 'id', 'summary'] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
  'purge-personal-data': {
    description: 'Scheduled daily: closes unconfirmed form cases, erases contact data of cases decided longer ago than the retention period',
    timeoutSeconds: 900,
    table: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], indexes: ['byStatus'], leadingKeys: [keys.purgeWatermark.pk, CASES] },
    sendsMail: false,
    startsWorkflow: false,
    answersWorkflow: false,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'OPTIONS' | 'HEAD';
  /** API Gateway path syntax: `{id}` is one path segment. */
  path: string;
  fn: FunctionName;
}

export const ROUTES = [
  { method: 'POST', path: '/cases', fn: 'submit-case' },
  { method: 'OPTIONS', path: '/cases', fn: 'submit-case' },
  { method: 'GET', path: '/cases/{id}', fn: 'get-case-status' },
  { method: 'GET', path: '/form', fn: 'serve-form' },
  { method: 'GET', path: '/embed.js', fn: 'serve-form' },
  { method: 'GET', path: '/schema/case.json', fn: 'serve-form' },
  { method: 'GET', path: '/schema/case.questionnaire.json', fn: 'serve-form' },
  { method: 'GET', path: '/openapi.json', fn: 'serve-form' },
  { method: 'GET', path: '/assets/{file}', fn: 'serve-form' },
  { method: 'GET', path: '/challenge', fn: 'serve-form' },
  { method: 'GET', path: '/privacy', fn: 'serve-form' },
  // HEAD is routed explicitly: mail scanners probe links with it, and it must never change anything.
  { method: 'GET', path: '/review/{reviewId}', fn: 'review-case' },
  { method: 'HEAD', path: '/review/{reviewId}', fn: 'review-case' },
  { method: 'POST', path: '/review/{reviewId}', fn: 'review-case' },
  { method: 'GET', path: '/cases/{id}/confirm', fn: 'confirm-contact' },
  { method: 'HEAD', path: '/cases/{id}/confirm', fn: 'confirm-contact' },
  { method: 'POST', path: '/cases/{id}/confirm', fn: 'confirm-contact' },
  { method: 'GET', path: '/cases/{id}/edit', fn: 'amend-case' },
  { method: 'POST', path: '/cases/{id}/edit', fn: 'amend-case' },
  { method: 'GET', path: '/cases/{id}/resubmit', fn: 'amend-case' },
  { method: 'HEAD', path: '/cases/{id}/resubmit', fn: 'amend-case' },
  { method: 'POST', path: '/cases/{id}/resubmit', fn: 'amend-case' },
  { method: 'GET', path: '/metrics', fn: 'get-metrics' },
  { method: 'GET', path: '/metrics/history', fn: 'get-metrics' },
  { method: 'GET', path: '/dashboard', fn: 'get-metrics' },
  { method: 'GET', path: '/report', fn: 'get-metrics' },
  { method: 'GET', path: '/embed/figures', fn: 'get-metrics' },
  { method: 'GET', path: '/catalog', fn: 'get-catalog' },
  { method: 'GET', path: '/catalog.csv', fn: 'get-catalog' },
  { method: 'GET', path: '/catalog.xlsx', fn: 'get-catalog' },
  { method: 'GET', path: '/catalog.questionnaire-responses.json', fn: 'get-catalog' },
  { method: 'GET', path: '/catalog.dha.json', fn: 'get-catalog' },
] as const satisfies readonly RouteSpec[];

export type Route = (typeof ROUTES)[number];

/** The API Gateway route key of a route, `GET /cases/{id}`. */
type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string } ? `${M} ${P}` : never;

/**
 * The route keys of ROUTES, or of one function's routes: a handler keyed by a route that does
 * not exist does not compile.
 */
export type RouteKey<F extends FunctionName = FunctionName> = KeyOf<Extract<Route, { fn: F }>>;

/** The API Gateway route key of a route: `POST /cases`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** Scheduled functions and how often they run, in minutes; `fromConfig` takes the stage's value instead. */
export const SCHEDULES: readonly { fn: FunctionName; everyMinutes: number | 'aggregateEveryMinutes' }[] = [
  { fn: 'sweep-outbox', everyMinutes: 1 },
  { fn: 'aggregate-metrics', everyMinutes: 'aggregateEveryMinutes' },
  { fn: 'purge-personal-data', everyMinutes: 24 * 60 },
];
