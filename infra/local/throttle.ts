/**
 * A token bucket like API Gateway's stage throttling: `burst` requests at once, refilled at `rate`
 * per second. `take()` is false when the request is over the limit (the runtime answers 429).
 */
export function tokenBucket(rate: number, burst: number, now: () => number = () => performance.now()) {
  let tokens = burst;
  let last = now();
  return {
    take(): boolean {
      const current = now();
      tokens = Math.min(burst, tokens + ((current - last) / 1000) * rate);
      last = current;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** What a rate limit decides on one request: admitted, or refused until `retryAfterSeconds` have passed. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A rate limit per client like the rate-based rule of AWS WAF: at most `requests` from one key
 * (the client address) over any sliding window of `windowSeconds`. Only admitted requests count,
 * so a refused client may send again as soon as its oldest counted request leaves the window,
 * which is what `retryAfterSeconds` tells (whole seconds, rounded up).
 */
export function slidingWindowLimiter(requests: number, windowSeconds: number, now: () => number = () => performance.now()) {
  const windowMs = windowSeconds * 1000;
  /** Per key, the times of its admitted requests inside the window, oldest first. */
  const seen = new Map<string, number[]>();
  let decisions = 0;

  const prune = (times: number[], current: number) => {
    let expired = 0;
    while (expired < times.length && (times[expired] ?? 0) <= current - windowMs) expired += 1;
    if (expired > 0) times.splice(0, expired);
  };

  return {
    take(key: string): RateDecision {
      const current = now();
      // Forget clients that went quiet, so that many addresses cannot grow the map for ever.
      decisions += 1;
      if (decisions % 1024 === 0) {
        for (const [other, times] of seen) {
          prune(times, current);
          if (times.length === 0) seen.delete(other);
        }
      }
      let times = seen.get(key);
      if (!times) {
        times = [];
        seen.set(key, times);
      }
      prune(times, current);
      if (times.length < requests) {
        times.push(current);
        return { allowed: true };
      }
      const freeAt = (times[0] ?? current) + windowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - current) / 1000)) };
    },
    /** How many clients the limiter is tracking now. */
    get clients(): number {
      return seen.size;
    },
  };
}

/**
 * Whether a request is one the edge's rate rule counts: `paths` as in `EDGE_RATE_LIMIT`, in API
 * Gateway's syntax (`{id}` stands for one path segment), with `*` for any method.
 */
export function rateLimitedPaths(paths: readonly { method: string; path: string }[]) {
  const compiled = paths.map(({ method, path }) => ({
    method: method === '*' ? undefined : method.toUpperCase(),
    regex: new RegExp(
      `^${path
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))
        .join('[^/]+')}$`,
    ),
  }));
  return (method: string, path: string): boolean =>
    compiled.some((entry) => (entry.method === undefined || entry.method === method.toUpperCase()) && entry.regex.test(path));
}
