import { config } from '../../shared/config';
import { pickLanguage } from '../../shared/core/i18n';
import { Unauthorized, ValidationFailed } from '../../shared/core/errors';
import { CHALLENGE_FIELD } from '../../shared/app/challenge';
import { submitCase } from '../../shared/app/submit-case';
import { parseBody } from '../../shared/adapters/http/body';
import { corsHeaders, preflightHeaders } from '../../shared/adapters/http/cors';
import { httpHandler } from '../../shared/adapters/http/handler';
import { json, page, redirect, withHeaders } from '../../shared/adapters/http/response';
import { submitDeps } from '../../shared/wiring';
import { renderFormPage } from '../../shared/adapters/html/form';
import { EMBED_QUERY, isFramed } from '../../shared/adapters/html/framing';
import { frameAncestors } from '../../shared/core/partners';
import type { RouteKey } from '../../infra/routes';

/** `POST /cases` (JSON or a plain form post) and its CORS preflight. */
export const handler = httpHandler<RouteKey<'submit-case'>>({
  'OPTIONS /cases': async ({ headers }) => {
    const cfg = config();
    return { statusCode: 204, headers: preflightHeaders(headers.origin, cfg.partnersById.values(), cfg.ownOrigin), body: '' };
  },

  'POST /cases': async (request) => {
    const { event, headers, query, wantsHtml } = request;
    const cfg = config();
    Object.assign(request.responseHeaders, corsHeaders(headers.origin, cfg.partnersById.values(), cfg.ownOrigin));
    const { format, payload } = parseBody(event, headers);
    // Errors speak the caller's language: the form's own (?lang=), else the client's, else the case's.
    const lang = pickLanguage(query.lang, headers['accept-language'], payload.language);
    request.lang = lang;
    try {
      const result = await submitCase(submitDeps(), {
        payload,
        lang,
        origin: headers.origin,
        idempotencyKey: headers['idempotency-key'],
        authorization: headers.authorization,
      });
      const replayed: Record<string, string> = result.outcome === 'replayed' ? { 'Idempotent-Replayed': 'true' } : {};
      if (format === 'form') {
        // The thank-you page stays framed when the form was.
        return redirect(`${result.statusUrl}&lang=${lang}&thanks=1${isFramed(request) ? `&${EMBED_QUERY}` : ''}`, replayed);
      }
      const body = { id: result.id, reference: result.reference, status: result.status, statusUrl: result.statusUrl };
      return json(201, body, { ...replayed, Location: `/cases/${result.id}`, 'Content-Language': lang });
    } catch (error) {
      // A browser form gets its form back with the errors next to the fields, as the browser's own checks would show them.
      const partner = typeof payload.partner === 'string' ? cfg.partnersById.get(payload.partner) : undefined;
      if (format === 'form' && wantsHtml && partner) {
        // A person whose check failed (expired while they typed, say) keeps what they wrote.
        const errors =
          error instanceof ValidationFailed
            ? (error.errors ?? [])
            : error instanceof Unauthorized
              ? [{ path: CHALLENGE_FIELD, message: error.detailText[lang] }]
              : undefined;
        if (errors) {
          const { [CHALLENGE_FIELD]: _spent, ...values } = payload;
          return page(error instanceof ValidationFailed ? 422 : 401, renderFormPage({ partner, lang, values, errors, framed: isFramed(request) }), {
            frameAncestors: frameAncestors(partner, cfg.ownOrigin),
          });
        }
      }
      throw error;
    }
  },
});
