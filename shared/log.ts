import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The structured logger of every function. Log ids and outcomes, never contact data, link
 * secrets or review ids: callers pass only those fields, and keys that would hold them are
 * masked as a second line of defence.
 */
const SECRET_KEYS = /token|secret|email|contact|password|authorization|cookie/i;

function mask(extra: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!extra) return extra;
  return Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, SECRET_KEYS.test(key) ? '[redacted]' : value]));
}

const base = new Logger({ serviceName: 'hub-intake', logLevel: (process.env.LOG_LEVEL ?? 'INFO') as 'INFO' });

export const log = {
  info: (message: string, extra?: Record<string, unknown>) => base.info(message, mask(extra) ?? {}),
  warn: (message: string, extra?: Record<string, unknown>) => base.warn(message, mask(extra) ?? {}),
  error: (message: string, extra?: Record<string, unknown>) => base.error(message, mask(extra) ?? {}),
};
export type Log = typeof log;
