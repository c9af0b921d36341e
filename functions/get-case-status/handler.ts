import { config } from '../../shared/config';
import { NotFound } from '../../shared/core/errors';
import { CASE_ID_PATTERN, statusLinkMatches } from '../../shared/core/ids';
import { historyForHolder, historyOf } from '../../shared/core/case-record';
import { frameAncestors } from '../../shared/core/partners';
import { httpHandler } from '../../shared/adapters/http/handler';
import { json, page } from '../../shared/adapters/http/response';
import { statusDeps } from '../../shared/wiring';
import { catalogUrl, needMatches, type PracticeView } from '../../shared/app/matching';
import { reasonsText } from '../../shared/core/matching';
import { isFramed } from '../../shared/adapters/html/framing';
import { statusPage } from '../../shared/adapters/html/pages';
import type { RouteKey } from '../../infra/routes';

/**
 * `GET /cases/{id}?token=...`: the status and history of a case, for the holder of the link in
 * the receipt. Anyone else gets the same 404 as for a case that does not exist.
 */
export const handler = httpHandler<RouteKey<'get-case-status'>>({
  'GET /cases/{id}': async (request) => {
    const { event, query, lang, wantsHtml } = request;
    const id = event.pathParameters?.id ?? '';
    const deps = statusDeps();
    const { cases } = deps;
    const record = CASE_ID_PATTERN.test(id) ? await cases.get(id) : undefined;
    if (!record || !statusLinkMatches(query.token, record)) throw new NotFound();
    const [events, matches] = await Promise.all([cases.history(id), needMatches(deps, record)]);
    const history = historyOf(record, events);
    const hubContactEmail = deps.config.HUB_CONTACT_EMAIL;
    const headers = { 'X-Robots-Tag': 'noindex', Vary: 'Accept, Accept-Language' };
    if (wantsHtml) {
      const cfg = config();
      const partner = cfg.partnersById.get(record.data.partner);
      const thanks = query.thanks === '1';
      // The thank-you page after the partner's framed form is framed too: no landmarks of its own.
      const framed = thanks && isFramed(request);
      const pageLang = query.lang ? lang : record.data.language;
      const answers = matches ? { ...matches, catalogUrl: (practice: PracticeView) => catalogUrl('', practice, pageLang), ...(hubContactEmail ? { hubContactEmail } : {}) } : undefined;
      return page(200, statusPage(pageLang, record, history, { thanks, embedded: thanks, framed, ...(answers ? { matches: answers } : {}) }), {
        frameAncestors: partner ? frameAncestors(partner, cfg.ownOrigin) : undefined,
        headers: { ...headers, Vary: 'Accept, Accept-Language, Sec-Fetch-Dest' },
      });
    }
    return json(
      200,
      {
        id: record.id,
        reference: record.reference,
        status: record.status,
        kind: record.data.kind,
        title: record.data.title,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        ...(record.decidedAt ? { decidedAt: record.decidedAt } : {}),
        ...(record.awaitingConfirmation ? { awaitingConfirmation: true } : {}),
        // Who was asked is counted, never named: reviewers' addresses are the Hub's staff data.
        history: historyForHolder(history).map((event) =>
          event.type === 'review-requested' && 'reviewers' in event
            ? { at: event.at, type: event.type, actor: 'system', round: event.round, attempt: event.attempt, reason: event.reason, asked: { reviewers: event.reviewers, coordinators: event.coordinators } }
            : {
                at: event.at,
                type: event.type,
                ...(event.from ? { from: event.from } : {}),
                ...(event.to ? { to: event.to } : {}),
                actor: event.actor.type,
                ...(event.actor.type === 'reviewer' && event.actor.role ? { role: event.actor.role } : {}),
                ...(event.note ? { note: event.note } : {}),
              },
        ),
        // An approved need: the approved practices that answer it, ranked, and whom to write to meet their people.
        ...(matches
          ? {
              matches: {
                rulesVersion: matches.rulesVersion,
                introduction: { via: 'hub', ...(hubContactEmail ? { email: hubContactEmail } : {}) },
                practices: matches.practices.map((practice) => ({
                  ...practice,
                  why: reasonsText(practice.reasons, lang),
                  catalogUrl: catalogUrl(deps.config.PUBLIC_BASE_URL, practice, lang),
                })),
              },
            }
          : {}),
      },
      headers,
    );
  },
});
