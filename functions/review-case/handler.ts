import { decide, openReview, type ReviewView } from '../../shared/app/review-flow';
import type { Language } from '../../shared/core/case';
import { parseBody } from '../../shared/adapters/http/body';
import { httpHandler } from '../../shared/adapters/http/handler';
import { page, type HttpResult } from '../../shared/adapters/http/response';
import { decisionDeps } from '../../shared/wiring';
import { decidedPage, reviewClosedPage, reviewPage } from '../../shared/adapters/html/review';
import type { RouteKey } from '../../infra/routes';

const NO_INDEX = { 'X-Robots-Tag': 'noindex, nofollow' };

function show(view: ReviewView, lang: Language, path: string, extra: Pick<Parameters<typeof reviewPage>[0], 'errors' | 'values'> = {}, status = 200): HttpResult {
  const partnerName = decisionDeps().partners.get(view.record.data.partner)?.name ?? view.record.data.partner;
  switch (view.state) {
    case 'open':
      return page(status, reviewPage({ lang, path, record: view.record, partnerName, reviewer: view.request.reviewer, round: view.request.round, expiresAt: view.request.expiresAt, history: view.history, changes: view.changes, ...extra }), { headers: NO_INDEX });
    case 'decided':
      return page(status, decidedPage(lang, view.record, view.decision, false), { headers: NO_INDEX });
    case 'expired':
      return page(410, reviewClosedPage(lang, view.record), { headers: NO_INDEX });
  }
}

/**
 * The reviewer's link. GET and HEAD only read: mail security scanners open every link in a
 * mail, so nothing but a POST of the form can decide. The decision is recorded once per round.
 */
export const handler = httpHandler<RouteKey<'review-case'>>(
  {
    'GET /review/{reviewId}': async ({ event, lang }) => show(await openReview(decisionDeps(), event.pathParameters?.reviewId ?? ''), lang, event.rawPath),
    'HEAD /review/{reviewId}': async ({ event, lang }) => show(await openReview(decisionDeps(), event.pathParameters?.reviewId ?? ''), lang, event.rawPath),
    'POST /review/{reviewId}': async ({ event, headers, lang }) => {
      const { payload } = parseBody(event, headers);
      const form = {
        decision: typeof payload.decision === 'string' ? payload.decision : undefined,
        comment: typeof payload.comment === 'string' ? payload.comment : undefined,
      };
      const result = await decide(decisionDeps(), event.pathParameters?.reviewId ?? '', form, lang);
      switch (result.state) {
        case 'recorded':
          return page(200, decidedPage(lang, result.record, result.decision, true), { headers: NO_INDEX });
        case 'invalid':
          return show(result.view, lang, event.rawPath, { errors: result.errors, values: form }, 422);
        case 'decided':
          // Someone (maybe this reviewer, in another tab) decided first: say who, what and when.
          return page(409, decidedPage(lang, result.record, result.decision, false), { headers: NO_INDEX });
        case 'expired':
          return show(result, lang, event.rawPath);
      }
    },
  },
  { pages: true },
);
