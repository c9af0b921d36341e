import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPartnerKey } from '../../shared/app/partner-keys';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';
import { stageConfig } from '../config';
import { readBody } from './http-adapter';

const problem = (response: ServerResponse, status: number, title: string, detail: string) => {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  response.writeHead(status, { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
};

/**
 * `POST /_local/partner-keys` with `{"partner": "ID"}`: a fresh API key for scripts, tests and
 * the demo, answered once as `201 {"key": ...}`. A third key for the same partner revokes the
 * oldest, as a rotation would. Only the embedded runtime has this route.
 */
export function partnerKeysRoute(tableName: string, endpoint: () => string) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request, 4096);
    let partner: unknown;
    try {
      partner = raw === 'too-large' ? undefined : (JSON.parse(raw.toString('utf8') || '{}') as { partner?: unknown }).partner;
    } catch {
      partner = undefined;
    }
    const known = stageConfig('local').partners.map((p) => p.id);
    if (typeof partner !== 'string' || !known.includes(partner)) {
      problem(response, 400, 'Bad Request', `Send {"partner": "ID"} with one of the configured partners: ${known.join(', ')}.`);
      return;
    }
    const doc = createDocumentClient(endpoint());
    try {
      const created = await createPartnerKey(createPartnerKeyStore(doc, tableName), partner, new Date(), { label: 'local', replaceOldest: true });
      const body = JSON.stringify({ partner, keyId: created.record.keyId, key: created.key, revoked: created.revoked });
      response.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      response.end(body);
    } finally {
      doc.destroy();
    }
  };
}
