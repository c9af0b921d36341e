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
