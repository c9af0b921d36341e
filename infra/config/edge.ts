/**
 * The rate-based rule of the edge's web ACL: at most `requests` per client IP over a sliding
 * window of `windowSeconds` (one of 60, 120, 300 or 600, as AWS WAF allows), counted on the
 * requests that match `paths`. A path's `*` stands for one path segment; a path without a method
 * counts every method. The embedded runtime limits each client address the same way.
 */
export const EDGE_RATE_LIMIT = {
  requests: 100,
  windowSeconds: 300,
  paths: [
    { method: 'POST', path: '/cases' },
    { path: '/review/*' },
    { path: '/cases/*/edit' },
  ],
} as const satisfies {
  requests: number;
  windowSeconds: 60 | 120 | 300 | 600;
  paths: readonly { method?: string; path: string }[];
};
