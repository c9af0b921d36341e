import { describeTiming, localLinks } from './landing-page';
import type { Runtime } from './runtime';

/**
 * What `npm start` prints once it accepts requests: the line scripts wait for, then the landing
 * page's links, the review timing in force and where the data lives.
 */
export function bannerLines(runtime: Pick<Runtime, 'url' | 'mailViewerUrl' | 'review'>, dataDir: string, startedInMs: number): string[] {
  const links = localLinks(runtime.mailViewerUrl);
  const absolute = (href: string) => (href.startsWith('/') ? `${runtime.url}${href.replaceAll('{lang}', 'it')}` : href);
  const row = (name: string, value: string) => `  ${`${name}:`.padEnd(16)}${value}`;
  const timing = describeTiming(runtime.review, 'en');
  return [
    `hub-intake listening on ${runtime.url}`,
    row('start here', `${runtime.url}/`),
    ...[...links.people, ...links.integrators].map((link) => row(link.name, absolute(link.href))),
    row('review window', `${timing.window} (REVIEW_WINDOW_SECONDS=${runtime.review.windowSeconds})`),
    row('reminders', `${timing.reminders} (REMINDERS=${runtime.review.reminders})`),
    row('escalation', `${timing.escalation} (ESCALATION_WINDOW_SECONDS=${runtime.review.escalationWindowSeconds ?? runtime.review.windowSeconds})`),
    row('changes window', `${timing.changes} (AMEND_WINDOW_SECONDS=${runtime.review.amendWindowSeconds})`),
    row('data', dataDir === 'memory' ? 'in memory (DATA_DIR=memory)' : `in ${dataDir}, mailbox included`),
    `  started in ${startedInMs} ms; Ctrl+C stops it.`,
  ];
}
