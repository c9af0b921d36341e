/**
 * The functions of hub-intake and the HTTP routes each serves. The CDK stack and the embedded
 * runtime both read this list, so a route exists in both places or in neither.
 */
export type TableAccess = 'none' | 'read' | 'readwrite';

export interface FunctionSpec {
  /** What the function does, for people reading the console. */
  description: string;
  table: TableAccess;
  sendsMail: boolean;
  startsWorkflow: boolean;
}

export const FUNCTIONS = {
  'submit-case': {
    description: 'POST /cases: validates and stores a case submission, sends the receipt',
    table: 'readwrite',
    sendsMail: true,
    startsWorkflow: true,
  },
  'get-case-status': {
    description: 'GET /cases/{id}: the status and history of a case for the holder of its link',
    table: 'read',
    sendsMail: false,
    startsWorkflow: false,
  },
  'serve-form': {
    description: 'The embeddable form, embed.js, the JSON Schema and static assets',
    table: 'none',
    sendsMail: false,
    startsWorkflow: false,
  },
  'sweep-outbox': {
    description: 'Scheduled: retries receipts and workflow starts that did not complete inline',
    table: 'readwrite',
    sendsMail: true,
    startsWorkflow: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'OPTIONS' | 'HEAD';
  /** API Gateway path syntax: `{id}` is one path segment. */
  path: string;
  fn: FunctionName;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', path: '/cases', fn: 'submit-case' },
  { method: 'OPTIONS', path: '/cases', fn: 'submit-case' },
  { method: 'GET', path: '/cases/{id}', fn: 'get-case-status' },
  { method: 'GET', path: '/form', fn: 'serve-form' },
  { method: 'GET', path: '/embed.js', fn: 'serve-form' },
  { method: 'GET', path: '/schema/case.json', fn: 'serve-form' },
  { method: 'GET', path: '/assets/{file}', fn: 'serve-form' },
];

/** The API Gateway route key of a route: `POST /cases`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** Scheduled functions and how often they run, in minutes. */
export const SCHEDULES: readonly { fn: FunctionName; everyMinutes: number }[] = [{ fn: 'sweep-outbox', everyMinutes: 1 }];
