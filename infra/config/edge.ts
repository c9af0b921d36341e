/**
 * The per-client-address rate limit of the edge: the WAF rate-based rule in front of the deployed
 * API and the embedded runtime's limiter both read it, so that they refuse the same traffic.
 *
 * `requests` per `windowSeconds` per client IP, counted over the requests that match `paths`
 * (method and API Gateway path syntax, `{x}` is one path segment). WAF evaluates a rate-based
 * rule over a window of 60, 120, 300 or 600 seconds and needs a limit of at least 10; beyond it
 * the address gets 429 until its rate falls back under the limit.
 */
export const EDGE_RATE_LIMIT = {
  requests: 100,
  windowSeconds: 300,
  paths: [
    { method: 'POST', path: '/cases' },
    { method: '*', path: '/review/{reviewId}' },
    { method: '*', path: '/cases/{id}/edit' },
    { method: '*', path: '/cases/{id}/confirm' },
    { method: '*', path: '/cases/{id}/resubmit' },
  ],
} as const satisfies {
  requests: number;
  windowSeconds: 60 | 120 | 300 | 600;
  paths: readonly { method: 'POST' | '*'; path: string }[];
};

export type EdgeRateLimit = typeof EDGE_RATE_LIMIT;
