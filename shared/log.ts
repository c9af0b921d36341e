import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The structured logger of every function. Log ids and outcomes, never contact data, link
 * secrets or review ids: callers pass only those fields, and keys that would hold them are
 * masked as a second line of defence.
 */
const SECRET_KEYS = /token|secret|email|contact|password|authorization|cookie/i;

/** Addresses can hide in dependency messages (SES names the address it refused). */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;

function mask(extra: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!extra) return extra;
  return Object.fromEntries(
    Object.entries(extra).map(([key, value]) => [
      key,
      SECRET_KEYS.test(key) ? '[redacted]' : typeof value === 'string' ? value.replace(EMAIL, '[redacted email]') : value,
    ]),
  );
}

const base = new Logger({ serviceName: 'hub-intake', logLevel: (process.env.LOG_LEVEL ?? 'INFO') as 'INFO' });

export const log = {
  info: (message: string, extra?: Record<string, unknown>) => base.info(message, mask(extra) ?? {}),
  warn: (message: string, extra?: Record<string, unknown>) => base.warn(message, mask(extra) ?? {}),
  error: (message: string, extra?: Record<string, unknown>) => base.error(message, mask(extra) ?? {}),
  /** For tests: what a log line's fields become. */
  mask,
};
export type Log = typeof log;
