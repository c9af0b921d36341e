import { amendCase, openAmendment, type AmendView } from '../../shared/app/review-flow';
import type { Language } from '../../shared/core/case';
import type { FieldError } from '../../shared/core/validation';
import { parseBody } from '../../shared/adapters/http/body';
import { httpHandler } from '../../shared/adapters/http/handler';
import { page, type HttpResult } from '../../shared/adapters/http/response';
import { decisionDeps } from '../../shared/wiring';
import { renderFormPage } from '../../shared/adapters/html/form';
import { amendClosedPage, amendedPage } from '../../shared/adapters/html/review';
import { resubmitClosedPage, resubmitPage, resubmittedPage } from '../../shared/adapters/html/resubmit';
import { openResubmission, resubmitCase } from '../../shared/app/resubmit-case';
import type { RouteHandler } from '../../shared/adapters/http/handler';
import type { RouteKey } from '../../infra/routes';

function show(view: AmendView, lang: Language, action: string, values?: Record<string, unknown>, errors: readonly FieldError[] = [], status = 200): HttpResult {
  if (view.state !== 'open') return page(view.state === 'done' ? 409 : 410, amendClosedPage(lang, view.record, view.state));
  const { partners } = decisionDeps();
  const partner = partners.get(view.record.data.partner) ?? { id: view.record.data.partner, name: view.record.data.partner, origins: [], contactDomains: ['invalid.example'] };
  const it = lang === 'it';
  return page(
    status,
    renderFormPage({
      partner,
      lang,
      values: values ?? view.record.data,
      errors,
      action,
      heading: it ? `Modifica del caso ${view.record.reference}` : `Amend case ${view.record.reference}`,
      notice: view.decision?.comment
        ? { title: it ? 'Le modifiche richieste dai revisori' : 'The changes the reviewers ask for', text: view.decision.comment }
        : undefined,
      standalone: true,
    }),
    { headers: { 'X-Robots-Tag': 'noindex, nofollow' } },
  );
}

const PRIVATE = { headers: { 'X-Robots-Tag': 'noindex, nofollow' } };

/** The outcome mail's "send again" link: GET and HEAD show what would be sent and a button (mail scanners follow links); POST sends. */
const showResubmission: RouteHandler = async ({ event, query, lang }) => {
  const view = await openResubmission(decisionDeps(), event.pathParameters?.id ?? '', query.token);
  const language = query.lang ? lang : view.record.data.language;
  switch (view.state) {
    case 'open':
      return page(200, resubmitPage(language, view.record, event.rawPath, query.token ?? ''), PRIVATE);
    case 'done':
      return page(200, resubmittedPage(language, view.record, view.resent), PRIVATE);
    default:
      return page(409, resubmitClosedPage(language, view), PRIVATE);
  }
};

/** The submitter's edit link for a case sent back with `changes`; the link that sends a closed case again. */
export const handler = httpHandler<RouteKey<'amend-case'>>(
  {
    'GET /cases/{id}/edit': async ({ event, query, lang }) => {
      const id = event.pathParameters?.id ?? '';
      const view = await openAmendment(decisionDeps(), id, query.token);
      return show(view, query.lang ? lang : view.record.data.language, `${event.rawPath}?${event.rawQueryString}`);
    },
    'POST /cases/{id}/edit': async ({ event, headers, query, lang }) => {
      const id = event.pathParameters?.id ?? '';
      const { payload } = parseBody(event, headers);
      const result = await amendCase(decisionDeps(), id, query.token, payload, lang);
      const action = `${event.rawPath}?${event.rawQueryString}`;
      switch (result.state) {
        case 'amended':
          return page(200, amendedPage(lang, result.record));
        case 'invalid':
          return show(result.view, lang, action, payload, result.errors, 422);
        default:
          return show(result, lang, action);
      }
    },
    'GET /cases/{id}/resubmit': showResubmission,
    'HEAD /cases/{id}/resubmit': showResubmission,
    'POST /cases/{id}/resubmit': async ({ event, headers, query, lang }) => {
      const { payload } = parseBody(event, headers);
      const token = typeof payload.token === 'string' ? payload.token : query.token;
      const result = await resubmitCase(decisionDeps(), event.pathParameters?.id ?? '', token);
      const language = payload.lang === 'it' || payload.lang === 'en' ? payload.lang : query.lang ? lang : result.record.data.language;
      switch (result.state) {
        case 'created':
          return page(201, resubmittedPage(language, result.record, result.resent, result.statusUrl), PRIVATE);
        case 'done':
          return page(200, resubmittedPage(language, result.record, result.resent), PRIVATE);
        default:
          return page(409, resubmitClosedPage(language, result), PRIVATE);
      }
    },
  },
  { pages: true },
);
