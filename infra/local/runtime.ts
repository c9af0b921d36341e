import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config, resetConfig } from '../../shared/config';
import { resetWiring } from '../../shared/wiring';
import { API_THROTTLE, functionEnvironment, stageConfig } from '../config';
import { EDGE_RATE_LIMIT } from '../config/edge';
import type { ScheduledInvocation } from '../config/schedule-input';
import { rateLimitedPaths, slidingWindowLimiter, tokenBucket } from './throttle';
import { FUNCTIONS, ROUTES, type FunctionName } from '../routes';
import { startDynamo, startSes, type DynamoEmulator, type Emulator, type LocalMail } from './emulators';
import { tableStream, type LocalStream } from './stream';
import { partnerKeysRoute } from './partner-keys-route';
import { randomBytes } from 'node:crypto';
import { FUNCTION_MODULES } from './functions';
import type { Language } from '../../shared/core/case';
import { pickLanguage } from '../../shared/core/i18n';
import { clientAddress, compileRoute, localContext, readBody, toApiGatewayEvent, writeResult, type LambdaHttpHandler } from './http-adapter';
import { executionName } from '../../shared/adapters/sfn/workflow-port';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store';
import { createReviewStore } from '../../shared/adapters/dynamodb/review-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { STATES } from '../config/workflow-states';
import { loadWorkflowDefinition, type WorkflowDefinition } from './workflow/definition';
import { startLocalStepFunctions, type LocalStepFunctions } from './workflow/engine';
import { landingPage, type ReviewTiming } from './landing-page';

export { LOCAL_TABLE } from './table';
import { LOCAL_TABLE } from './table';

/** What the embedded runtime reads from its environment (see the README). */
export interface RuntimeSettings {
  port: number;
  host: string;
  dataDir: string;
  publicBaseUrl?: string;
  /** `REVIEWERS` and `COORDINATORS`, as the functions read them; unset: the `local` stage's examples. */
  reviewers?: string;
  coordinators?: string;
  reviewWindowSeconds?: string;
  reminders?: string;
  /** How long the coordinators have once a review escalates; unset: the review window. */
  escalationWindowSeconds?: string;
  amendWindowSeconds?: string;
  sweepEverySeconds: number;
  /** How often the aggregation runs (it also runs on POST /_local/aggregate). */
  aggregateEverySeconds: number;
  /** Print one line per request. */
  accessLog: boolean;
  /** Requests per second and burst before 429, as on API Gateway. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Requests per client address over a sliding window before 429, as the edge's WAF rate rule. */
  edgeRateLimit: { requests: number; windowSeconds: number };
  /** The clock of both limits, in milliseconds; a test injects its own to decide when time passes. */
  limitClock?: () => number;
}

function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number of seconds, got "${value}"`);
  return number;
}

/** The bounds AWS WAF puts on a rate-based rule: a limit of 10 to 2,000,000,000 requests over 60, 120, 300 or 600 s. */
const WAF_WINDOWS = [60, 120, 300, 600];

function edgeRateLimit(env: NodeJS.ProcessEnv): RuntimeSettings['edgeRateLimit'] {
  const requests = Number(env.EDGE_RATE_LIMIT ?? EDGE_RATE_LIMIT.requests);
  if (!Number.isInteger(requests) || requests < 10 || requests > 2_000_000_000) {
    throw new Error(`EDGE_RATE_LIMIT must be a whole number of requests from 10 to 2000000000, as AWS WAF allows, got "${env.EDGE_RATE_LIMIT}"`);
  }
  const windowSeconds = Number(env.EDGE_RATE_WINDOW_SECONDS ?? EDGE_RATE_LIMIT.windowSeconds);
  if (!WAF_WINDOWS.includes(windowSeconds)) {
    throw new Error(`EDGE_RATE_WINDOW_SECONDS must be one of ${WAF_WINDOWS.join(', ')}, as AWS WAF allows, got "${env.EDGE_RATE_WINDOW_SECONDS}"`);
  }
  return { requests, windowSeconds };
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): RuntimeSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.DATA_DIR || '.data',
    publicBaseUrl: env.PUBLIC_BASE_URL || undefined,
    reviewers: env.REVIEWERS || undefined,
    coordinators: env.COORDINATORS || undefined,
    reviewWindowSeconds: env.REVIEW_WINDOW_SECONDS || undefined,
    reminders: env.REMINDERS || undefined,
    escalationWindowSeconds: env.ESCALATION_WINDOW_SECONDS || undefined,
    amendWindowSeconds: env.AMEND_WINDOW_SECONDS || undefined,
    sweepEverySeconds: positive('SWEEP_EVERY_SECONDS', env.SWEEP_EVERY_SECONDS ?? '15'),
    aggregateEverySeconds: positive('AGGREGATE_EVERY_SECONDS', env.AGGREGATE_EVERY_SECONDS ?? '60'),
    accessLog: env.ACCESS_LOG !== 'off',
    throttle: {
      rateLimit: positive('THROTTLE_RATE', env.THROTTLE_RATE ?? String(API_THROTTLE.rateLimit)),
      burstLimit: positive('THROTTLE_BURST', env.THROTTLE_BURST ?? String(API_THROTTLE.burstLimit)),
    },
    edgeRateLimit: edgeRateLimit(env),
  };
}

export interface Runtime {
  url: string;
  mailViewerUrl: string;
  /** The review timing in force: the `local` stage's, or what the settings replaced. */
  review: ReviewTiming;
  /** The local mailbox, newest first. */
  mails(): LocalMail[];
  /** Runs a scheduled function now. */
  runScheduled(fn: FunctionName): Promise<unknown>;
  /** Resolves once the table's stream has delivered every record written so far. */
  streamIdle(): Promise<void>;
  close(): Promise<void>;
}

const PROBLEM = 'application/problem+json; charset=utf-8';

function sendProblem(response: ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  response.writeHead(status, { 'content-type': PROBLEM, 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
}

const RATE_LIMITED = {
  title: { it: 'Troppe richieste', en: 'Too Many Requests' },
  edge: {
    it: (seconds: number) => `Troppe richieste da questo indirizzo: riprovare tra ${seconds} secondi.`,
    en: (seconds: number) => `Too many requests from this address: please retry in ${seconds} seconds.`,
  },
  stage: {
    it: (seconds: number) => `Il servizio riceve troppe richieste: riprovare tra ${seconds} secondi.`,
    en: (seconds: number) => `The service is receiving too many requests: please retry in ${seconds} seconds.`,
  },
} as const;

/** The 429 of the edge's rate rule (per client address) or of the API's throttling (for everyone). */
function sendRateLimited(response: ServerResponse, lang: Language, limit: 'edge' | 'stage', retryAfterSeconds: number) {
  const body = JSON.stringify({
    type: `urn:hub-intake:problem:${limit === 'edge' ? 'rate-limited' : 'throttled'}`,
    title: RATE_LIMITED.title[lang],
    status: 429,
    detail: RATE_LIMITED[limit][lang](retryAfterSeconds),
  });
  response.writeHead(429, {
    'content-type': PROBLEM,
    'content-language': lang,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'retry-after': String(retryAfterSeconds),
  });
  response.end(body);
}

function requestLanguage(request: IncomingMessage, target: URL): Language {
  return pickLanguage(target.searchParams.get('lang'), request.headers['accept-language']);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts hub-intake on this machine: dynalite and a local SES v2 endpoint, then an HTTP server
 * that turns each request into the API Gateway event of its route and calls the very handler
 * that runs on Lambda. Only one runtime per process: handlers read their configuration from
 * `process.env`, as on Lambda.
 */
export async function startRuntime(settings: RuntimeSettings): Promise<Runtime> {
  const num = (value?: string) => (value === undefined ? undefined : Number(value));
  // Read first: a bad timing value stops the start before anything listens.
  const timings = {
    windowSeconds: num(settings.reviewWindowSeconds),
    reminders: num(settings.reminders),
    // A shorter review window shortens the escalation with it, unless that has its own value.
    escalationWindowSeconds: num(settings.escalationWindowSeconds ?? settings.reviewWindowSeconds),
    amendWindowSeconds: num(settings.amendWindowSeconds),
  };
  const workflow = await loadWorkflowDefinition(timings);
  const review = stageConfig('local', { review: timings }).review;
  const services = await startServices(settings.dataDir, workflow);
  const { dynamo, ses, sfn } = services;

  let url = '';
  const onRequest = requestListener(apiHandler(settings, services, review, () => url));
  const servers = [createServer(onRequest), createServer(onRequest)];
  let port: number;
  try {
    port = await listen(servers[0]!, settings.port, settings.host);
  } catch (error) {
    await closeAll(servers, services);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${settings.port} is in use (another hub-intake?). Start with PORT=0 for any free port, or another PORT.`);
    }
    throw error;
  }
  // `localhost` may resolve to ::1 first; answer there too when listening on the IPv4 loopback.
  if (settings.host === '127.0.0.1') await listen(servers[1]!, port, '::1').catch(() => undefined);
  url = `http://localhost:${port}`;
  dynamo.describeHolder(url);

  configureFunctions(settings, services, url, review);
  try {
    // The functions' configuration, read now as every function will: a value no function can use
    // (an unreadable REVIEWERS, say) stops the start with its one line rather than failing every request.
    config();
  } catch (error) {
    await closeAll(servers, services);
    throw error;
  }
  // Fed only once the functions have their configuration, as the event source mapping starts after the deploy.
  services.stream.connect(async (event) => (await FUNCTION_MODULES['react-to-commit']()).handler(event as never, localContext('react-to-commit') as never) as never);
  await resumeWorkflows(sfn, dynamo.endpoint, review);
  const timers = startSchedules(settings);

  let closing: Promise<void> | undefined;
  return {
    url,
    mailViewerUrl: `${ses.endpoint}/`,
    review,
    mails: () => ses.mails(),
    runScheduled,
    streamIdle: () => services.stream.idle(),
    close() {
      closing ??= (async () => {
        timers.forEach((timer) => clearInterval(timer));
        await closeAll(servers, services);
      })();
      return closing;
    },
  };
}

/** Stops the servers, then the services: the stream and the workflow's tasks use the table and the mail endpoint, so they stop first. */
async function closeAll(servers: Server[], services: Services): Promise<void> {
  await Promise.all(
    servers
      .filter((server) => server.listening)
      .map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      ),
  );
  await services.stream.close();
  await services.sfn.close();
  await Promise.all([services.dynamo.close(), services.ses.close()]);
}

/** The emulated services the functions call, and the table's stream. */
interface Services {
  dynamo: DynamoEmulator;
  stream: LocalStream;
  ses: Emulator & { mails(): LocalMail[] };
  sfn: LocalStepFunctions;
}

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Starts DynamoDB, SES and Step Functions, or none of them: a failure stops those already started. */
async function startServices(dataDir: string, workflow: WorkflowDefinition): Promise<Services> {
  const dynamo = await startDynamo(dataDir, LOCAL_TABLE);
  const stream = tableStream(dynamo, LOCAL_TABLE);
  const ses = await startSes(dataDir).catch(async (error: unknown) => {
    await dynamo.close();
    throw error;
  });
  try {
    const sfn = await startLocalStepFunctions({
      ...workflow,
      invoke: async (fn, payload) => (await FUNCTION_MODULES[fn]()).handler(payload as never, localContext(fn) as never),
    });
    return { dynamo, stream, ses, sfn };
  } catch (error) {
    await Promise.all([dynamo.close(), ses.close()]);
    throw error;
  }
}

/** Runs a scheduled function now, with the event its schedule would send. */
async function runScheduled(fn: FunctionName): Promise<unknown> {
  const module = await FUNCTION_MODULES[fn]();
  return module.handler(scheduledInvocation(fn) as never, localContext(fn) as never);
}

/** The routes only the embedded runtime has: the landing page, the local mailbox, partner keys, an aggregation now. */
function localRoutes({ dynamo, ses }: Services, review: ReviewTiming): Record<string, RequestHandler> {
  const landing: RequestHandler = async (request, response) => {
    const target = new URL(request.url ?? '/', 'http://localhost');
    writeResult(response, landingPage(requestLanguage(request, target), `${ses.endpoint}/`, review), request.method === 'HEAD');
  };
  return {
    'GET /': landing,
    'HEAD /': landing,
    'GET /_local/mail': async (_request, response) => {
      const body = JSON.stringify(ses.mails());
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(body);
    },
    'POST /_local/partner-keys': partnerKeysRoute(LOCAL_TABLE, () => dynamo.endpoint),
    'POST /_local/aggregate': async (_request, response) => {
      const { snapshot, etag } = (await runScheduled('aggregate-metrics')) as { snapshot: unknown; etag: string };
      const body = JSON.stringify(snapshot);
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', etag });
      response.end(body);
    },
  };
}

/**
 * The two limits in front of the API, as on AWS: the edge's rate rule per client address on the
 * paths it counts, then the stage's throttling. Answers 429 and returns false when one refuses.
 */
function admission(settings: RuntimeSettings): (request: IncomingMessage, response: ServerResponse, method: string, target: URL) => boolean {
  const bucket = tokenBucket(settings.throttle.rateLimit, settings.throttle.burstLimit, settings.limitClock);
  const edgeLimiter = slidingWindowLimiter(settings.edgeRateLimit.requests, settings.edgeRateLimit.windowSeconds, settings.limitClock);
  const edgeCounts = rateLimitedPaths(EDGE_RATE_LIMIT.paths);
  return (request, response, method, target) => {
    // The edge's rate rule comes first: a request it refuses never reaches the API's throttling.
    if (edgeCounts(method, target.pathname)) {
      const decision = edgeLimiter.take(clientAddress(request));
      if (!decision.allowed) {
        request.resume();
        sendRateLimited(response, requestLanguage(request, target), 'edge', decision.retryAfterSeconds);
        return false;
      }
    }
    if (!bucket.take()) {
      request.resume();
      sendRateLimited(response, requestLanguage(request, target), 'stage', 1);
      return false;
    }
    return true;
  };
}

/**
 * What the distribution and API Gateway do with a request: the local routes first, then the
 * limits, the route table (404, 405), API Gateway's body limit, and the route's function.
 */
function apiHandler(settings: RuntimeSettings, services: Services, review: ReviewTiming, baseUrl: () => string): RequestHandler {
  const local = localRoutes(services, review);
  const admit = admission(settings);
  const routes = ROUTES.map(compileRoute);
  const handlers = new Map<FunctionName, Promise<LambdaHttpHandler>>();
  const load = (fn: FunctionName) => {
    let loaded = handlers.get(fn);
    if (!loaded) {
      loaded = FUNCTION_MODULES[fn]().then((module) => module.handler as unknown as LambdaHttpHandler);
      handlers.set(fn, loaded);
    }
    return loaded;
  };

  return async (request, response) => {
    const started = Date.now();
    const method = (request.method ?? 'GET').toUpperCase();
    let target: URL;
    try {
      target = new URL(request.url ?? '/', baseUrl());
    } catch {
      sendProblem(response, 400, 'Bad Request', 'The request target is not a valid URL.');
      return;
    }
    const localRoute = local[`${method} ${target.pathname}`];
    if (localRoute) {
      await localRoute(request, response);
      return;
    }
    if (!admit(request, response, method, target)) return;
    const head = method === 'HEAD';
    const candidates = routes
      .map((route) => ({ route, params: route.match(target.pathname) }))
      .filter((entry) => entry.params !== undefined);
    const found = candidates.find(({ route }) => route.spec.method === method);
    if (!found) {
      if (candidates.length > 0) {
        const allowed = [...new Set(candidates.map(({ route }) => route.spec.method))].join(', ');
        sendProblem(response, 405, 'Method Not Allowed', `Allowed methods: ${allowed}.`, { allow: allowed });
      } else {
        sendProblem(response, 404, 'Not Found', `No route for ${method} ${target.pathname}.`);
      }
      return;
    }
    // API Gateway refuses bodies over 10 MB before any function runs; the function enforces its own, smaller limit.
    const body = await readBody(request, 10 * 1024 * 1024);
    if (body === 'too-large') {
      sendProblem(response, 413, 'Payload Too Large', 'The request body exceeds 10 MB.', { connection: 'close' });
      return;
    }
    const event = toApiGatewayEvent(request, target, found.route, found.params ?? {}, body);
    const handler = await load(found.route.spec.fn);
    const result = await handler(event, localContext(found.route.spec.fn));
    writeResult(response, result, head);
    if (settings.accessLog) {
      const status = typeof result === 'string' ? 200 : (result.statusCode ?? 200);
      // The route's path, not the request's: review ids and case ids stay out of the log.
      console.log(`${new Date().toISOString()} ${method} ${found.route.spec.path} ${status} ${Date.now() - started}ms`);
    }
  };
}

/** `handle` as a server's request listener: a failure becomes a 500, or a dropped connection once the answer has begun. */
function requestListener(handle: RequestHandler): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('local runtime error', error);
      if (!response.headersSent) sendProblem(response, 500, 'Internal Server Error', 'The embedded runtime failed on this request.');
      else response.destroy();
    });
  };
}

/**
 * The environment the functions read, as the stage's would be on Lambda but pointing at the
 * emulators, then the configuration and the wiring rebuilt from it.
 */
function configureFunctions(settings: RuntimeSettings, { dynamo, ses, sfn }: Services, url: string, review: ReviewTiming): void {
  const stage = stageConfig('local');
  const publicBaseUrl = settings.publicBaseUrl ?? url;
  Object.assign(process.env, functionEnvironment(stage, { tableName: LOCAL_TABLE, publicBaseUrl }), {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SES_ENDPOINT: ses.endpoint,
    SFN_ENDPOINT: sfn.endpoint,
    STATE_MACHINE_ARN: sfn.stateMachineArn,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-south-1',
    // Challenges are handed out and checked by this process only: a fresh key per start will do.
    CHALLENGE_HMAC_KEY: process.env.CHALLENGE_HMAC_KEY || randomBytes(32).toString('base64url'),
    ...(settings.reviewers ? { REVIEWERS: settings.reviewers } : {}),
    ...(settings.coordinators ? { COORDINATORS: settings.coordinators } : {}),
    ESCALATION_WINDOW_SECONDS: String(review.escalationWindowSeconds ?? review.windowSeconds),
    ...(settings.reviewWindowSeconds ? { REVIEW_WINDOW_SECONDS: settings.reviewWindowSeconds } : {}),
    ...(settings.reminders ? { REMINDERS: settings.reminders } : {}),
    ...(settings.amendWindowSeconds ? { AMEND_WINDOW_SECONDS: settings.amendWindowSeconds } : {}),
  });
  resetConfig();
  resetWiring();
}

/** The schedules of AWS as timers: the outbox sweep and the aggregation. They keep no process alive. */
function startSchedules(settings: RuntimeSettings): NodeJS.Timeout[] {
  const every = (fn: FunctionName, seconds: number) =>
    setInterval(() => {
      runScheduled(fn).catch((error: unknown) => console.error(`${fn}:`, error instanceof Error ? error.message : error));
    }, seconds * 1000);
  const timers = [every('sweep-outbox', settings.sweepEverySeconds), every('aggregate-metrics', settings.aggregateEverySeconds)];
  timers.forEach((timer) => timer.unref());
  return timers;
}

/**
 * Gives cases that were waiting for a review or an amendment their workflow back after a restart:
 * the embedded Step Functions keeps executions in memory only. The task runs again for the same
 * round and attempt, which sends no new mail and gets a fresh token; its wait ends at the deadline
 * it had, the expiry of the links already sent (a deadline passed while the runtime was stopped
 * reminds or expires the case at once). A wait that never got its links, or whose decision was
 * recorded but not yet delivered, gets a full window.
 */
async function resumeWorkflows(sfn: LocalStepFunctions, endpoint: string, review: ReviewTiming): Promise<number> {
  const doc = createDocumentClient(endpoint);
  const cases = createCaseStore(doc, LOCAL_TABLE);
  const reviews = createReviewStore(doc, LOCAL_TABLE);
  let resumed = 0;
  try {
    for (const [status, startAt] of [
      ['in_review', STATES.requestReview],
      ['changes_requested', STATES.requestChanges],
    ] as const) {
      for (const id of await cases.idsByStatus(status)) {
        const record = await cases.get(id);
        if (!record) continue;
        const round = record.reviewRound ?? 1;
        const attempt = record.reviewAttempt ?? 0;
        // A decision recorded but not yet delivered to the workflow when it stopped still needs a token: no deadline then.
        const undelivered = status === 'in_review' && (await reviews.decision(id, round)) !== undefined;
        const links = status === 'in_review' ? await reviews.attemptLinks(id, round, attempt) : undefined;
        const expiresAt = undelivered ? undefined : status === 'in_review' ? links?.expiresAt : (await reviews.amendment(id, round))?.expiresAt;
        // Whether the attempt was the escalation is what its links say, whatever REMINDERS is since the
        // restart; an attempt with no links yet is the escalation when it is past the last reminder.
        // Escalate asks for attempt + 1 itself.
        const escalated = status === 'in_review' && (links ? links.reason === 'escalation' : attempt > review.reminders);
        sfn.resume(
          executionName(id),
          escalated ? STATES.escalate : startAt,
          { caseId: id, round, attempt: escalated ? attempt - 1 : attempt },
          expiresAt ? new Date(expiresAt) : undefined,
        );
        resumed += 1;
      }
    }
  } finally {
    doc.destroy();
  }
  return resumed;
}

/**
 * The event of a scheduled run, as EventBridge Scheduler delivers it with the schedules' input
 * (`SCHEDULE_INPUT`): the schedule's ARN, the time to the second, an execution id, attempt 1.
 */
export function scheduledInvocation(fn: FunctionName, at: Date = new Date()): ScheduledInvocation {
  return {
    scheduleArn: `arn:aws:scheduler:${process.env.AWS_REGION ?? 'eu-south-1'}:000000000000:schedule/default/local-${fn}`,
    scheduledTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    executionId: randomBytes(8).toString('hex'),
    attemptNumber: '1',
  };
}

/** Function names that the runtime can run, for `npm run invoke`. */
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
