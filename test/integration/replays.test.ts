import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE, type Runtime } from '../../infra/local/runtime';
import { erasePerson } from '../../shared/app/personal-data';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPersonStore } from '../../shared/adapters/dynamodb/person-store';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/**
 * An Idempotency-Key replayed: the partner's retry gets the first answer and nothing else happens.
 * No second event, no rewritten version (an erasure stays erased), no receipt queued again.
 */
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

/** Every item of a case's partition, as stored. */
async function partition(caseId: string) {
  const doc = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
  try {
    const result = await doc.send(new QueryCommand({ TableName: LOCAL_TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` } }));
    return (result.Items ?? []).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  } finally {
    doc.destroy();
  }
}

/**
 * Waits until the review has been requested from both reviewers and every mail of it is marked
 * sent (nothing of the case left in the outbox): the workflow is done writing for now.
 */
const reviewRequested = (caseId: string, reference: string) =>
  waitFor('the review mails, sent and settled', async () =>
    runtime.mails().filter((mail) => mail.subject.includes(reference) && /revisionare/.test(mail.subject)).length === 2 &&
    (await partition(caseId)).every((item) => item.gsi2pk === undefined),
  );

const receipts = (email: string) => runtime.mails().filter((mail) => mail.to.includes(email) && /ricevuto/.test(mail.subject));

describe('replays of one Idempotency-Key', () => {
  it('give one case, one receipt and an unchanged history, sequential or concurrent', async () => {
    const input = validCase();
    const email = (input.contact as { email: string }).email;
    const headers = { 'idempotency-key': `replay-${crypto.randomUUID()}` };
    const first = await postCase(runtime, input, { headers });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; statusUrl: string; reference: string };
    await reviewRequested(created.id, created.reference);
    const before = await partition(created.id);

    const sequential: Response[] = [];
    for (let i = 0; i < 10; i++) sequential.push(await postCase(runtime, input, { headers }));
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => postCase(runtime, input, { headers })));
    for (const response of [...sequential, ...concurrent]) {
      expect(response.status).toBe(201);
      expect(response.headers.get('idempotent-replayed')).toBe('true');
      expect(await response.json()).toEqual({ id: created.id, reference: created.reference, status: 'submitted', statusUrl: created.statusUrl });
    }
    await runtime.runScheduled('sweep-outbox');
    expect(await partition(created.id)).toEqual(before);
    expect(receipts(email)).toHaveLength(1);
  });

  it('leave an erased contact erased', async () => {
    const input = validCase();
    const email = (input.contact as { email: string }).email;
    const headers = { 'idempotency-key': `erase-${crypto.randomUUID()}` };
    const created = (await (await postCase(runtime, input, { headers })).json()) as { id: string; reference: string };
    await reviewRequested(created.id, created.reference);
    const doc = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
    try {
      const { cases } = await erasePerson(createPersonStore(doc, LOCAL_TABLE), email, new Date());
      expect(cases).toEqual([created.id]);
    } finally {
      doc.destroy();
    }
    const erased = await partition(created.id);
    expect((await postCase(runtime, input, { headers })).status).toBe(201);
    await runtime.runScheduled('sweep-outbox');
    const after = await partition(created.id);
    expect(after).toEqual(erased);
    expect(JSON.stringify(after)).not.toContain(email);
    expect(receipts(email)).toHaveLength(1);
  });
});
