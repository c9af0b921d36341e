import * as z from 'zod';

const HttpsUrl = z.url({ protocol: /^https$/ });

/** A member organisation of the Hub that may submit cases, with the web origins it embeds from. */
export const Partner = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,64}$/),
  name: z.string().min(2),
  /**
   * Every origin the partner embeds the form in or calls the API from: exact origins, each site
   * with and without `www` and its staging site where it has them (`https://www.example.it`,
   * `https://example.it`), or a local origin with any port (`http://localhost:*`). The form's
   * `frame-ancestors` and the API's CORS both read this one list.
   */
  origins: z.array(z.string().regex(/^https?:\/\/[a-z0-9.-]+(:(\d{1,5}|\*))?$/)),
  /**
   * The email domains of the partner's people. A contact must be at one of them (or a subdomain),
   * so that nobody can make the Hub mail an address of their choosing.
   */
  contactDomains: z.array(z.string().regex(/^(?=.{3,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/)).min(1),
  /**
   * The partner's own privacy notice, which the form's consent box then links to instead of the
   * Hub's (`/privacy`): one https address, or one per language.
   */
  privacyNoticeUrl: z.union([HttpsUrl, z.strictObject({ it: HttpsUrl, en: HttpsUrl })]).optional(),
});
export type Partner = z.infer<typeof Partner>;

/** The partner's own privacy notice in `lang`, when it has one. */
export function partnerPrivacyNotice(partner: Pick<Partner, 'privacyNoticeUrl'>, lang: 'it' | 'en'): string | undefined {
  const notice = partner.privacyNoticeUrl;
  return typeof notice === 'string' ? notice : notice?.[lang];
}

function originMatches(pattern: string, origin: string): boolean {
  if (pattern === origin) return true;
  if (!pattern.endsWith(':*')) return false;
  const base = pattern.slice(0, -2);
  return origin === base || (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1)));
}

/**
 * Whether a browser request from `origin` may act for `partner`. The Hub's own origin (the
 * embedded form posts from it) is always allowed; so are callers that send no Origin at all
 * (server-to-server integrations), since browsers always send one on a cross-site post.
 */
export function originAllowed(partner: Partner, origin: string | undefined, ownOrigin: string): boolean {
  if (origin === undefined) return true;
  const normalised = origin.toLowerCase();
  if (normalised === ownOrigin.toLowerCase()) return true;
  return partner.origins.some((pattern) => originMatches(pattern, normalised));
}

/** The value of `Content-Security-Policy: frame-ancestors` for a partner's embedded form. */
export function frameAncestors(partner: Pick<Partner, 'origins'>, ownOrigin: string): string {
  return ["'self'", ...partner.origins.filter((o) => o !== ownOrigin)].join(' ');
}

/** The domain of an address, lower-cased; undefined when it has none. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at > 0 ? email.slice(at + 1).trim().toLowerCase() : undefined;
}

/**
 * The mailbox an address reaches, for counting the mails it gets: lower-cased, and without a
 * `+tag` subaddress (RFC 5233; Exchange Online, Gmail and most others deliver `ada+x@` to `ada@`),
 * so that nobody gets past a daily cap by tagging the address of the person they want to flood.
 */
export function mailboxOf(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${address.slice(at)}` : address;
}

/** Whether `email` is at one of the partner's contact domains, or a subdomain of one. */
export function contactDomainAllowed(partner: Partner, email: string): boolean {
  const domain = emailDomain(email);
  if (!domain) return false;
  return partner.contactDomains.some((allowed) => domain === allowed || domain.endsWith(`.${allowed}`));
}
