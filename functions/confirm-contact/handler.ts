import { confirmContact, viewConfirmation } from '../../shared/app/confirm-contact';
import { parseBody } from '../../shared/adapters/http/body';
import { httpHandler, type RouteHandler } from '../../shared/adapters/http/handler';
import { page } from '../../shared/adapters/http/response';
import { confirmDeps } from '../../shared/wiring';
import { confirmClosedPage, confirmPage } from '../../shared/adapters/html/pages';
import type { RouteKey } from '../../infra/routes';

/**
 * The contact's confirmation link, for cases sent through the Hub's form. GET and HEAD show a
 * button and change nothing (mail scanners follow links); POST confirms.
 */
const show: RouteHandler = async ({ event, query, lang }) => {
  const id = event.pathParameters?.id ?? '';
  const view = await viewConfirmation(confirmDeps(), id, query.token);
  const language = query.lang ? lang : view.record.data.language;
  const headers = { headers: { 'X-Robots-Tag': 'noindex, nofollow' } };
  if (view.state !== 'pending') return page(view.state === 'confirmed' ? 200 : 410, confirmClosedPage(language, view.record, view.state), headers);
  return page(200, confirmPage(language, view.record, event.rawPath, query.token ?? ''), headers);
};

export const handler = httpHandler<RouteKey<'confirm-contact'>>(
  {
    'GET /cases/{id}/confirm': show,
    'HEAD /cases/{id}/confirm': show,
    'POST /cases/{id}/confirm': async ({ event, headers, query, lang }) => {
      const id = event.pathParameters?.id ?? '';
      const { payload } = parseBody(event, headers);
      const token = typeof payload.token === 'string' ? payload.token : query.token;
      const result = await confirmContact(confirmDeps(), id, token);
      const language = typeof payload.lang === 'string' && (payload.lang === 'it' || payload.lang === 'en') ? payload.lang : query.lang ? lang : result.record.data.language;
      if (result.state === 'closed') return page(410, confirmClosedPage(language, result.record, 'closed'));
      return page(200, confirmClosedPage(language, result.record, 'confirmed'));
    },
  },
  { pages: true },
);
