import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { MessageRejected, SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reactToCommits, sweepOutbox, type EffectDeps } from '../../shared/app/effects';
import { Forbidden, IdempotencyKeyReused, InvalidIdempotencyKey, ValidationFailed } from '../../shared/core/errors';
import { submitCase, type SubmitDeps } from '../../shared/app/submit-case';
import { mintKey, type PartnerKeys } from '../../shared/app/partner-keys';
import { createSesMailer } from '../../shared/adapters/ses/mailer';
import { createNotifier } from '../../shared/adapters/ses/notifier';
import { createCaseStore } from '../../shared/adapters/dynamodb/case-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createIdempotencyStore } from '../../shared/adapters/dynamodb/idempotency-store';
import { createOutboxStore } from '../../shared/adapters/dynamodb/outbox-store';
import { createReviewStore } from '../../shared/adapters/dynamodb/review-store';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import { validCase } from '../support/runtime';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () => new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });

const logged: { level: string; message: string; extra?: Record<string, unknown> }[] = [];

const minted = mintKey('humanitas', new Date('2026-01-01T00:00:00Z'));
/** The Authorization header of humanitas's key, which the fake key store below holds. */
const AUTH = `Bearer ${minted.key}`;

/** Partner keys in memory: the one minted above. */
const partnerKeys: PartnerKeys = {
  get: async (partner, keyId) => (partner === minted.record.partner && keyId === minted.record.keyId ? minted.record : undefined),
  list: async () => [minted.record],
  put: async () => true,
  revoke: async () => true,
  touch: async () => undefined,
};

function makeDeps(now = new Date('2026-03-02T10:00:00Z')): SubmitDeps {
  const doc = createDocumentClient('http://127.0.0.1:1');
  return {
    partnerKeys,
    humanCheck: { verify: async () => ({ ok: false, reason: 'invalid' }) },
    confirmedContacts: { isConfirmed: async () => false },
    cases: createCaseStore(doc, 'table'),
    idempotency: createIdempotencyStore(doc, 'table'),
    startsWorkflow: false,
    partners: new Map(LOCAL_PARTNERS.map((p) => [p.id, p])),
    ownOrigin: 'https://intake.example.org',
    publicBaseUrl: 'https://intake.example.org',
    now: () => now,
    log: {
      info: (message, extra) => logged.push({ level: 'info', message, extra }),
      error: (message, extra) => logged.push({ level: 'error', message, extra }),
    },
  };
}

/** What the functions that run effects get (the sweep, the stream's handler): the stores, SES, no workflow. */
function effectDeps(): EffectDeps {
  const doc = createDocumentClient('http://127.0.0.1:1');
  return {
    ...makeDeps(),
    outbox: createOutboxStore(doc, 'table'),
    reviews: createReviewStore(doc, 'table'),
    mailCaps: { take: async () => true },
    notifier: createNotifier(createSesMailer({ from: 'hub@example.org', endpoint: 'http://127.0.0.1:1' })),
  };
}

const puts = () => ddb.commandCalls(PutCommand).map((call) => call.args[0].input);
const caseWrites = () => puts().filter((input) => input.Item?.sk === 'CASE');
/** Updates that take an entry out of the outbox. */
const completions = () =>
  ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input).filter((input) => input.UpdateExpression?.startsWith('REMOVE gsi2pk'));

beforeEach(() => {
  ddb.reset();
  ses.reset();
  logged.length = 0;
  ddb.on(PutCommand).resolves({});
  ddb.on(BatchWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  ddb.reset();
  ses.reset();
});

describe('submitting a case', () => {
  it('stores the case in one conditional write of its item, which carries the commit, and calls neither SES nor Step Functions', async () => {
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('created');
    expect(ddb.calls()).toHaveLength(1);
    const [write] = caseWrites();
    expect(write?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(write?.Item).toMatchObject({
      pk: `CASE#${result.id}`,
      reference: result.reference,
      effect: 'commit',
      fresh: true,
      gsi2pk: 'OUTBOX',
      dueAt: '2026-03-02T10:01:00.000Z',
      payload: { kind: 'submitted', effects: 'receipt', statusToken: new URL(result.statusUrl).searchParams.get('token') },
    });
    expect(ses.calls()).toHaveLength(0);
  });

  it('fails without an answer of success when DynamoDB throttles the case write', async () => {
    ddb.on(PutCommand).rejects(throttled());
    await expect(submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH })).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('tries another reference when another case holds the first one, and gives up after five', async () => {
    let attempts = 0;
    ddb.on(PutCommand).callsFake(() => {
      if (++attempts === 1) throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({
      Item: { pk: input.Key.pk, sk: 'CASE', type: 'case', id: input.Key.pk.slice(5), reference: 'HUB-2026-AAAAAA', status: 'in_review', revision: 2, dataVersion: 1, ...validCase(), createdAt: 'x', updatedAt: 'x', statusTokenHash: 'h' },
    }));
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('created');
    const writes = caseWrites();
    expect(writes).toHaveLength(2);
    expect(writes[1]?.Item?.reference).toBe(result.reference);
    expect(writes[1]?.Item?.pk).toBe(`CASE#${result.id}`);
    expect(writes[0]?.Item?.pk).not.toBe(writes[1]?.Item?.pk);

    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH })).rejects.toThrow(/free reference/);
  });

  it('takes another reference when the first one is reserved for a case stored before ids came from references', async () => {
    let attempts = 0;
    ddb.on(PutCommand).callsFake(() => {
      if (++attempts === 1) throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand).resolves({ Item: { pk: 'CASE#x', sk: 'CASE', type: 'reserved-reference', reference: 'HUB-2026-AAAAAA', caseId: '01JLEGACY' } });
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('created');
    expect(caseWrites()).toHaveLength(2);
    expect(caseWrites()[1]?.Item?.reference).toBe(result.reference);
  });

  it('refuses an Idempotency-Key reused with another body, and replays it with the same one', async () => {
    const deps = makeDeps();
    const body = validCase({ title: 'First title of the case' });
    const first = await submitCase(deps, { payload: body, lang: 'en', authorization: AUTH, idempotencyKey: 'key-00000001' });
    const stored = puts().find((input) => input.Item?.sk === 'IDEMPOTENCY')?.Item;
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === 'IDEMPOTENCY' || input.Item.sk === 'CASE') throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand).callsFake((input: { Key: { sk: string; pk: string } }) =>
      input.Key.sk === 'IDEMPOTENCY'
        ? { Item: stored }
        : { Item: { pk: input.Key.pk, sk: 'CASE', type: 'case', id: first.id, reference: first.reference, status: 'submitted', revision: 1, dataVersion: 1, ...validCase(), createdAt: 'x', updatedAt: 'x', statusTokenHash: 'h' } },
    );
    await expect(
      submitCase(deps, { payload: { ...body, title: 'Another title entirely' }, lang: 'en', authorization: AUTH, idempotencyKey: 'key-00000001' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
    const writesBefore = puts().length + ddb.commandCalls(BatchWriteCommand).length + ddb.commandCalls(UpdateCommand).length;
    const again = await submitCase(deps, { payload: { ...body }, lang: 'en', authorization: AUTH, idempotencyKey: 'key-00000001' });
    expect(again).toMatchObject({ outcome: 'replayed', id: first.id, reference: first.reference, statusUrl: first.statusUrl });
    // The replay tried its one conditional put of the key (refused) and wrote nothing else.
    const writesAfter = puts().length + ddb.commandCalls(BatchWriteCommand).length + ddb.commandCalls(UpdateCommand).length;
    expect(writesAfter - writesBefore).toBe(1);
    expect(puts().at(-1)?.Item?.sk).toBe('IDEMPOTENCY');
    expect(ses.calls()).toHaveLength(0);
  });

  it('refuses an unknown partner, a foreign origin, a malformed key and invalid data before writing anything', async () => {
    const deps = makeDeps();
    await expect(submitCase(deps, { payload: validCase({ partner: 'acme' }), lang: 'en', authorization: AUTH })).rejects.toBeInstanceOf(Forbidden);
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: AUTH, origin: 'https://evil.example' })).rejects.toBeInstanceOf(Forbidden);
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: AUTH, idempotencyKey: 'short' })).rejects.toBeInstanceOf(InvalidIdempotencyKey);
    await expect(submitCase(deps, { payload: validCase({ title: '' }), lang: 'en', authorization: AUTH })).rejects.toBeInstanceOf(ValidationFailed);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('accepts the partner’s own origin and the Hub’s origin', async () => {
    const deps = makeDeps();
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: AUTH, origin: 'https://www.humanitas.it' })).resolves.toMatchObject({ outcome: 'created' });
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: AUTH, origin: 'https://intake.example.org' })).resolves.toMatchObject({ outcome: 'created' });
  });

  it('keeps no status token in the clear in the idempotency record', async () => {
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH, idempotencyKey: 'key-00000002' });
    const token = new URL(result.statusUrl).searchParams.get('token') ?? '';
    const record = puts().find((input) => input.Item?.sk === 'IDEMPOTENCY')?.Item ?? {};
    expect(token).toHaveLength(43);
    expect(JSON.stringify(record)).not.toContain(token);
    expect(JSON.stringify(record)).not.toContain('key-00000002');
  });

  it('refuses a submission with neither key nor challenge, a forged key and a key of another partner, writing nothing', async () => {
    const deps = makeDeps();
    await expect(submitCase(deps, { payload: validCase(), lang: 'en' })).rejects.toMatchObject({ type: 'unauthorized' });
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: `${AUTH}x` })).rejects.toMatchObject({ type: 'unauthorized' });
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: AUTH.replace(/_[^_]+$/, `_${'A'.repeat(43)}`) })).rejects.toMatchObject({ type: 'unauthorized' });
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: 'Basic Zm9vOmJhcg==' })).rejects.toMatchObject({ type: 'unauthorized' });
    await expect(submitCase(deps, { payload: validCase({ partner: 'ieo' }), lang: 'en', authorization: AUTH })).rejects.toMatchObject({ type: 'key-for-another-partner' });
    await expect(submitCase(deps, { payload: { ...validCase(), altcha: 'forged' }, lang: 'en' })).rejects.toMatchObject({ type: 'unauthorized' });
    expect(ddb.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });

  it('refuses a contact outside the partner’s domains with a field error, writing nothing', async () => {
    const deps = makeDeps();
    const error = await submitCase(deps, { payload: validCase({ contact: { name: 'Eve', email: 'victim@gmail.com' } }), lang: 'en', authorization: AUTH }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).errors).toEqual([{ path: 'contact.email', message: expect.stringContaining('humanitas.it') }]);
    await expect(submitCase(deps, { payload: validCase({ contact: { name: 'Eve', email: 'eve@humanitas.it.evil.example' } }), lang: 'en', authorization: AUTH })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(submitCase(deps, { payload: validCase({ contact: { name: 'Ada', email: 'ada@research.humanitas.it' } }), lang: 'en', authorization: AUTH })).resolves.toMatchObject({ outcome: 'created' });
    expect(caseWrites().map((input) => (input.Item?.contact as { email: string }).email)).toEqual(['ada@research.humanitas.it']);
  });

  it('looks accepted but stores nothing when the honeypot is filled', async () => {
    const result = await submitCase(makeDeps(), { payload: { ...validCase(), website: 'http://spam.example' }, lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('discarded');
    expect(ddb.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('the outbox sweep', () => {
  const due = { pk: 'CASE#01J0000000000000000000000A', sk: 'OUTBOX#receipt', caseId: '01J0000000000000000000000A', effect: 'receipt', attempts: 2, dueAt: '2026-03-02T09:59:00.000Z', payload: { statusToken: 't' } };
  const caseItem = { pk: `CASE#${due.caseId}`, sk: 'CASE', type: 'case', id: due.caseId, reference: 'HUB-2026-AAAAAA', status: 'submitted', revision: 1, dataVersion: 1, ...validCase(), createdAt: 'x', updatedAt: 'x', statusTokenHash: 'h' };

  it('sends a pending receipt and removes it from the outbox', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(GetCommand).resolves({ Item: caseItem });
    expect(await sweepOutbox(effectDeps())).toEqual({ done: 1, failed: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(completions().map((input) => input.Key)).toEqual([{ pk: due.pk, sk: due.sk }]);
  });

  it('skips an entry another sweep leased first, so no mail goes out twice', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await sweepOutbox(effectDeps())).toEqual({ done: 0, failed: 0 });
    expect(ses.calls()).toHaveLength(0);
  });

  it('backs off exponentially when the mail fails again', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(GetCommand).resolves({ Item: caseItem });
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    expect(await sweepOutbox(effectDeps())).toEqual({ done: 0, failed: 1 });
    const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates[1]?.ExpressionAttributeValues?.[':due']).toBe('2026-03-02T10:02:00.000Z');
  });

  it('drops an entry whose case was never committed', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(GetCommand).resolves({});
    expect(await sweepOutbox(effectDeps())).toEqual({ done: 1, failed: 0 });
    expect(ses.calls()).toHaveLength(0);
    expect(completions()).toHaveLength(1);
  });
});

describe('a commit, run from the stream or the sweep', () => {
  const caseId = '01J0000000000000000000000B';
  const commit = {
    pk: `CASE#${caseId}`, sk: 'CASE', caseId, effect: 'commit', attempts: 0, dueAt: '2026-03-02T10:01:00.000Z', fresh: true, gsi2pk: 'OUTBOX',
    payload: { kind: 'submitted', effects: 'receipt,workflow', statusToken: 'status-secret' },
  };
  const caseItem = { pk: `CASE#${caseId}`, sk: 'CASE', type: 'case', id: caseId, reference: 'HUB-2026-BBBBBB', status: 'submitted', revision: 1, dataVersion: 1, ...validCase(), createdAt: '2026-03-02T10:00:00.000Z', updatedAt: 'x', statusTokenHash: 'h' };
  const fresh = [{ id: 'seq-1', entry: { key: { pk: commit.pk, sk: commit.sk }, caseId, effect: 'commit' as const, attempts: 0, dueAt: commit.dueAt, payload: commit.payload } }];

  it('leases the entry, writes the first version and the submitted event, spawns each effect as a fresh entry of its own, then completes', async () => {
    ddb.on(GetCommand).resolves({ Item: caseItem });
    expect(await reactToCommits(effectDeps(), fresh)).toEqual([]);
    const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates[0]).toMatchObject({ Key: { pk: commit.pk, sk: 'CASE' }, ConditionExpression: 'attribute_exists(gsi2pk) AND dueAt = :seen' });
    expect(updates[0]?.UpdateExpression).toContain('REMOVE #fresh');
    const batch = ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.table?.map((r) => r.PutRequest?.Item?.sk);
    expect(batch).toEqual(['VERSION#0001', 'EVENT#2026-03-02T10:00:00.000Z#0000']);
    const spawned = puts().filter((input) => String(input.Item?.sk).startsWith('OUTBOX#'));
    expect(spawned.map((input) => [input.Item?.sk, input.Item?.fresh, input.Item?.payload, input.ConditionExpression])).toEqual([
      ['OUTBOX#receipt', true, { statusToken: 'status-secret' }, 'attribute_not_exists(pk)'],
      ['OUTBOX#workflow', true, undefined, 'attribute_not_exists(pk)'],
    ]);
    expect(completions().map((input) => input.Key)).toEqual([{ pk: commit.pk, sk: 'CASE' }]);
    // Nothing was mailed here: the receipt runs from its own entry.
    expect(ses.calls()).toHaveLength(0);
  });

  it('skips a record whose entry someone leased first (a duplicate record, or the sweep)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await reactToCommits(effectDeps(), fresh)).toEqual([]);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(puts()).toHaveLength(0);
  });

  it('reports the record for the stream to deliver again when its bookkeeping fails', async () => {
    ddb.on(UpdateCommand).rejects(throttled());
    expect(await reactToCommits(effectDeps(), fresh)).toEqual(['seq-1']);
  });
});
