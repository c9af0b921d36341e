import type { Partner } from '../../core/partners';
import { originAllowed } from '../../core/partners';

/**
 * CORS for partners who call the API from their own pages with fetch: an origin is allowed when
 * it is on some partner's allow-list (the submission check then binds it to the right partner).
 */
export function corsHeaders(origin: string | undefined, partners: Iterable<Partner>, ownOrigin: string): Record<string, string> {
  if (!origin) return {};
  for (const partner of partners) {
    if (originAllowed(partner, origin, ownOrigin)) {
      return {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Expose-Headers': 'Location, Idempotent-Replayed, Content-Language',
        Vary: 'Origin',
      };
    }
  }
  return { Vary: 'Origin' };
}

export function preflightHeaders(origin: string | undefined, partners: Iterable<Partner>, ownOrigin: string): Record<string, string> {
  const base = corsHeaders(origin, partners, ownOrigin);
  if (!base['Access-Control-Allow-Origin']) return base;
  return {
    ...base,
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, Accept-Language',
    'Access-Control-Max-Age': '600',
  };
}
