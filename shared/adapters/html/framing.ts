/**
 * The query flag embed.js puts on the iframe's address (`/form?partner=...&embed=1`); the framed
 * form carries it on to the pages that follow in the frame (the form back with its errors, the
 * thank-you page).
 */
export const EMBED_QUERY = 'embed=1';

/**
 * Whether a page is asked for inside an iframe: embed.js's flag, or the browser's own
 * `Sec-Fetch-Dest: iframe` (an iframe a partner wrote by hand, a page that followed in the frame).
 * Such a page drops its landmarks ({@link layout}'s `framed`); a response that depends on it
 * says `Vary: Sec-Fetch-Dest`.
 */
export function isFramed(request: { query: Record<string, string | undefined>; headers: Record<string, string | undefined> }): boolean {
  return request.query.embed === '1' || request.headers['sec-fetch-dest'] === 'iframe';
}
