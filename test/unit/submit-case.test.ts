import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { MessageRejected, SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepOutbox } from '../../shared/app/effects';
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
    humanCheck: { verify: async () => ({ ok: false, reason: 'invalid' }), spend: async () => false },
    confirmedContacts: { isConfirmed: async () => false },
    mailCaps: { take: async () => true },
    cases: createCaseStore(doc, 'table'),
    idempotency: createIdempotencyStore(doc, 'table'),
    outbox: createOutboxStore(doc, 'table'),
    reviews: createReviewStore(doc, 'table'),
    startsWorkflow: false,
    notifier: createNotifier(createSesMailer({ from: 'hub@example.org', endpoint: 'http://127.0.0.1:1' })),
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
  it('stores the outbox entry, the first version and event before the case item, which commits it', async () => {
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('created');
    // In call order: each put, and the batch as the list of what it puts.
    const order = ddb.calls().flatMap((call) => {
      const input = call.args[0].input as { Item?: { sk: string }; RequestItems?: Record<string, { PutRequest: { Item: { sk: string } } }[]> };
      if (input.Item) return [input.Item.sk.split('#')[0]];
      if (input.RequestItems) return [Object.values(input.RequestItems)[0]!.map((r) => r.PutRequest.Item.sk.split('#')[0]).join('+')];
      return [];
    });
    expect(order.slice(0, 3)).toEqual(['REFERENCE', 'OUTBOX+VERSION+EVENT', 'CASE']);
    expect(caseWrites()[0]?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(completions().map((input) => input.Key)).toEqual([{ pk: `CASE#${result.id}`, sk: 'OUTBOX#receipt' }]);
  });

  it('keeps the case and answers created when the receipt mail is rejected, leaving the receipt in the outbox', async () => {
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: 'Email address is not verified', $metadata: {} }));
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('created');
    expect(caseWrites()).toHaveLength(1);
    expect(completions()).toHaveLength(0);
    const deferred = ddb
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .find((input) => input.UpdateExpression?.includes('ADD attempts'));
    expect(deferred?.Key).toEqual({ pk: `CASE#${result.id}`, sk: 'OUTBOX#receipt' });
    expect(deferred?.ExpressionAttributeValues?.[':due']).toBe('2026-03-02T10:00:30.000Z');
    expect(String(deferred?.ExpressionAttributeValues?.[':error'])).toContain('MessageRejected');
  });

  it('keeps the case when SES throttles and even when the outbox update then fails', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    ddb.on(UpdateCommand).rejects(throttled());
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('created');
    expect(logged.some((entry) => entry.message.includes('left to the outbox sweep'))).toBe(true);
  });

  it('fails without an answer of success when DynamoDB throttles the case write', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === 'CASE') throw throttled();
      return {};
    });
    await expect(submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH })).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('answers with the existing case and sends nothing when the case item already exists', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === 'CASE') throw conditionFailed();
      return {};
    });
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({
      Item: {
        pk: input.Key.pk, sk: 'CASE', id: input.Key.pk.slice(5), reference: 'HUB-2026-AAAAAA', status: 'in_review',
        revision: 2, dataVersion: 1, ...validCase(), createdAt: 'x', updatedAt: 'x', statusTokenHash: 'h',
      },
    }));
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(result.outcome).toBe('replayed');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('tries another reference when the first one is taken', async () => {
    let claims = 0;
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      if (input.Item.sk === 'REFERENCE' && ++claims === 1) throw conditionFailed();
      return {};
    });
    const result = await submitCase(makeDeps(), { payload: validCase(), lang: 'en', authorization: AUTH });
    expect(claims).toBe(2);
    const referencePuts = puts().filter((input) => input.Item?.sk === 'REFERENCE');
    expect(referencePuts[1]?.Item?.reference).toBe(result.reference);
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
        : { Item: { pk: input.Key.pk, sk: 'CASE', id: first.id, reference: first.reference, status: 'submitted', revision: 1, dataVersion: 1, ...validCase(), createdAt: 'x', updatedAt: 'x', statusTokenHash: 'h' } },
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
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
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
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input.Destination?.ToAddresses)).toEqual([['ada@research.humanitas.it']]);
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
  const caseItem = { pk: `CASE#${due.caseId}`, sk: 'CASE', id: due.caseId, reference: 'HUB-2026-AAAAAA', status: 'submitted', revision: 1, dataVersion: 1, ...validCase(), createdAt: 'x', updatedAt: 'x', statusTokenHash: 'h' };

  it('sends a pending receipt and removes it from the outbox', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(GetCommand).resolves({ Item: caseItem });
    expect(await sweepOutbox(makeDeps())).toEqual({ done: 1, failed: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(completions().map((input) => input.Key)).toEqual([{ pk: due.pk, sk: due.sk }]);
  });

  it('skips an entry another sweep leased first, so no mail goes out twice', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await sweepOutbox(makeDeps())).toEqual({ done: 0, failed: 0 });
    expect(ses.calls()).toHaveLength(0);
  });

  it('backs off exponentially when the mail fails again', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(GetCommand).resolves({ Item: caseItem });
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    expect(await sweepOutbox(makeDeps())).toEqual({ done: 0, failed: 1 });
    const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates[1]?.ExpressionAttributeValues?.[':due']).toBe('2026-03-02T10:02:00.000Z');
  });

  it('drops an entry whose case was never committed', async () => {
    ddb.on(QueryCommand).resolves({ Items: [due] });
    ddb.on(GetCommand).resolves({});
    expect(await sweepOutbox(makeDeps())).toEqual({ done: 1, failed: 0 });
    expect(ses.calls()).toHaveLength(0);
    expect(completions()).toHaveLength(1);
  });
});
