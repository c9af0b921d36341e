import { describe, expect, it } from 'vitest';
import { EDGE_RATE_LIMIT } from '../../infra/config/edge';
import { settingsFromEnv } from '../../infra/local/runtime';
import { rateLimitedPaths, slidingWindowLimiter, tokenBucket } from '../../infra/local/throttle';

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('the rate limit per client address', () => {
  it('admits N requests in the window, refuses the next and tells when the oldest one leaves the window', () => {
    const clock = manualClock();
    const limiter = slidingWindowLimiter(3, 60, clock.now);
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: true });
    clock.advance(10_000);
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: true });
    clock.advance(10_000);
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: true });
    clock.advance(5_000);
    // 25 s after the first request: it stays in the window for 35 s more.
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: false, retryAfterSeconds: 35 });
    clock.advance(34_999);
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1);
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: true });
    // The second request (at 10 s) leaves the window at 70 s: 10 s from now.
    expect(limiter.take('198.51.100.7')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('slides: what counts is the last window, not a fixed period', () => {
    const clock = manualClock();
    const limiter = slidingWindowLimiter(10, 60, clock.now);
    // 10 requests at the end of one minute and 10 at the start of the next would pass a fixed-period counter.
    clock.advance(59_000);
    for (let i = 0; i < 10; i += 1) expect(limiter.take('a').allowed).toBe(true);
    clock.advance(2_000);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 58 });
  });

  it('rounds Retry-After up to whole seconds, never below 1', () => {
    const clock = manualClock();
    const limiter = slidingWindowLimiter(1, 60, clock.now);
    limiter.take('a');
    clock.advance(59_999.5);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(0.25);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('does not count refused requests: a client that keeps retrying is let in when the window frees', () => {
    const clock = manualClock();
    const limiter = slidingWindowLimiter(2, 60, clock.now);
    limiter.take('a');
    limiter.take('a');
    for (let second = 0; second < 59; second += 1) {
      expect(limiter.take('a').allowed).toBe(false);
      clock.advance(1_000);
    }
    clock.advance(1_000);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('limits each address on its own', () => {
    const clock = manualClock();
    const limiter = slidingWindowLimiter(2, 300, clock.now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].map((d) => d.allowed)).toEqual([true, true, false]);
    expect([limiter.take('b'), limiter.take('b'), limiter.take('b')].map((d) => d.allowed)).toEqual([true, true, false]);
    expect(limiter.take('2001:db8::1').allowed).toBe(true);
  });

  it('forgets addresses that went quiet for a window', () => {
    const clock = manualClock();
    const limiter = slidingWindowLimiter(10, 60, clock.now);
    for (let i = 0; i < 1000; i += 1) limiter.take(`client-${i}`);
    expect(limiter.clients).toBe(1000);
    clock.advance(60_000);
    for (let i = 0; i < 24; i += 1) limiter.take('203.0.113.1');
    expect(limiter.clients).toBe(1);
  });
});

describe('the requests the edge rate rule counts', () => {
  const counts = rateLimitedPaths(EDGE_RATE_LIMIT.paths);

  it('are POST /cases, /review/*, /cases/*/edit and /cases/*/confirm with any method', () => {
    expect(counts('POST', '/cases')).toBe(true);
    for (const method of ['GET', 'HEAD', 'POST', 'PUT']) {
      expect(counts(method, '/review/0123456789abcdefghijkl')).toBe(true);
      expect(counts(method, '/cases/01JNV0000000000000000000AA/edit')).toBe(true);
      expect(counts(method, '/cases/01JNV0000000000000000000AA/confirm')).toBe(true);
    }
  });

  it('are not the other routes', () => {
    expect(counts('GET', '/cases')).toBe(false);
    expect(counts('OPTIONS', '/cases')).toBe(false);
    expect(counts('GET', '/cases/01JNV0000000000000000000AA')).toBe(false);
    expect(counts('GET', '/form')).toBe(false);
    expect(counts('GET', '/metrics')).toBe(false);
    expect(counts('GET', '/review')).toBe(false);
    expect(counts('POST', '/cases/edit')).toBe(false);
  });

  it('match whole segments only', () => {
    expect(counts('POST', '/casesX')).toBe(false);
    expect(counts('GET', '/review/')).toBe(false);
    expect(counts('GET', '/cases/a/b/edit')).toBe(false);
  });
});

describe('the rate limit settings', () => {
  it('default to the edge constant', () => {
    expect(settingsFromEnv({}).edgeRateLimit).toEqual({ requests: EDGE_RATE_LIMIT.requests, windowSeconds: EDGE_RATE_LIMIT.windowSeconds });
  });

  it('are read from EDGE_RATE_LIMIT and EDGE_RATE_WINDOW_SECONDS', () => {
    expect(settingsFromEnv({ EDGE_RATE_LIMIT: '20', EDGE_RATE_WINDOW_SECONDS: '60' }).edgeRateLimit).toEqual({ requests: 20, windowSeconds: 60 });
  });

  it('refuse values AWS WAF would refuse, naming the variable', () => {
    for (const value of ['9', '0', '-5', '12.5', 'many', '2000000001']) {
      expect(() => settingsFromEnv({ EDGE_RATE_LIMIT: value })).toThrow(/EDGE_RATE_LIMIT/);
    }
    for (const value of ['30', '0', '301', 'soon']) {
      expect(() => settingsFromEnv({ EDGE_RATE_WINDOW_SECONDS: value })).toThrow(/EDGE_RATE_WINDOW_SECONDS/);
    }
  });
});

describe('the stage throttle', () => {
  it('admits a burst at once, then the rate per second', () => {
    const clock = manualClock();
    const bucket = tokenBucket(5, 10, clock.now);
    const burst = Array.from({ length: 11 }, () => bucket.take());
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(burst[10]).toBe(false);
    clock.advance(200);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    clock.advance(60_000);
    expect(Array.from({ length: 11 }, () => bucket.take()).filter(Boolean)).toHaveLength(10);
  });
});
