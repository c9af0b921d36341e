import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional';
import { CASE_SHAPE, type CaseInput } from '../../core/case';
import type { Actor, CaseEvent, CaseRecord, CaseStatus, CaseVersion, Effect } from '../../core/case-record';
import { INDEX, keys } from './keys';
import { outboxAttributes } from './outbox-store';
import { queryAll } from './query';
import type { NewCase, Transition, CaseStore } from '../../app/ports';
export type { NewCase, Transition, CaseStore } from '../../app/ports';

const DATA_FIELDS = Object.keys(CASE_SHAPE) as (keyof CaseInput)[];

type Item = Record<string, unknown>;

function recordFromItem(item: Item): CaseRecord {
  const data: Record<string, unknown> = {};
  for (const field of DATA_FIELDS) {
    if (item[field] !== undefined) data[field] = item[field];
  }
  return {
    id: String(item.id),
    reference: String(item.reference),
    status: item.status as CaseStatus,
    revision: Number(item.revision),
    dataVersion: Number(item.dataVersion),
    data: data as CaseInput,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    decidedAt: typeof item.decidedAt === 'string' ? item.decidedAt : undefined,
    statusTokenHash: String(item.statusTokenHash),
    ...(item.statusLinks instanceof Set && item.statusLinks.size > 0 ? { statusLinkHashes: [...(item.statusLinks as Set<string>)] } : {}),
    ...(item.channel === 'api' || item.channel === 'form' ? { channel: item.channel } : {}),
    ...(item.awaitingConfirmation === true ? { awaitingConfirmation: true } : {}),
    ...(typeof item.confirmTokenHash === 'string' ? { confirmTokenHash: item.confirmTokenHash } : {}),
    ...(typeof item.confirmedAt === 'string' ? { confirmedAt: item.confirmedAt } : {}),
    ...(typeof item.challengeId === 'string' ? { challengeId: item.challengeId } : {}),
    ...(typeof item.resubmittedFrom === 'string' ? { resubmittedFrom: item.resubmittedFrom } : {}),
    ...(typeof item.personalDataErasedAt === 'string' ? { personalDataErasedAt: item.personalDataErasedAt } : {}),
    ...(typeof item.reviewRound === 'number' ? { reviewRound: item.reviewRound, reviewAttempt: Number(item.reviewAttempt ?? 0) } : {}),
  };
}

/** Adds the attributes that put the case item in the outbox to an UpdateItem's SET clause. */
function setOutboxAttributes(
  update: { names: Record<string, string>; values: Record<string, unknown>; sets: string[] },
  attributes: Record<string, unknown>,
): void {
  for (const [name, value] of Object.entries(attributes)) {
    update.names[`#o_${name}`] = name;
    update.values[`:o_${name}`] = value;
    update.sets.push(`#o_${name} = :o_${name}`);
  }
}

const DECIDED: ReadonlySet<CaseStatus> = new Set(['approved', 'rejected', 'expired']);

export function createCaseStore(doc: DynamoDBDocumentClient, tableName: string): CaseStore {
  const put = (Item: Item, ConditionExpression?: string, ExpressionAttributeValues?: Item) =>
    doc.send(new PutCommand({ TableName: tableName, Item, ConditionExpression, ExpressionAttributeValues }));

  /** Unconditional puts in one BatchWriteItem, retrying what DynamoDB leaves unprocessed. */
  async function putAll(items: Item[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 8) throw new Error('BatchWriteItem kept leaving items unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }

  const partitionItems = async (pk: string, prefix: string) =>
    (
      await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      })
    ).items;

  /**
   * Keeps the per-status counts the pipeline metric reads, so it never has to count every case.
   * A separate write after the change itself: a crash between the two can leave a count off by one,
   * which the pipeline figure tolerates (the published figures come from the cases themselves).
   */
  const countStatus = async (from: CaseStatus | undefined, to: CaseStatus) => {
    const names: Record<string, string> = { '#to': to };
    const values: Record<string, number> = { ':one': 1 };
    if (from) {
      names['#from'] = from;
      values[':minus'] = -1;
    }
    await doc
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.statusCounters,
          UpdateExpression: from ? 'ADD #to :one, #from :minus' : 'ADD #to :one',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      )
      .catch(() => undefined);
  };

  const store: CaseStore = {
    async create(draft) {
      // One write: the case item is the commit. It carries its commit entry (the version and
      // event records, the counts and the effects follow from the stream), and its id is made
      // from its reference, so the condition that makes the case new also keeps references unique.
      const item: Item = {
        ...keys.case(draft.id),
        ...keys.byStatus('submitted', draft.at, draft.id),
        type: 'case',
        id: draft.id,
        reference: draft.reference,
        status: 'submitted',
        revision: 1,
        dataVersion: 1,
        ...draft.data,
        createdAt: draft.at,
        updatedAt: draft.at,
        channel: draft.channel,
        statusTokenHash: draft.statusTokenHash,
        ...(draft.confirmTokenHash ? { awaitingConfirmation: true, confirmTokenHash: draft.confirmTokenHash } : {}),
        ...(draft.challengeId ? { challengeId: draft.challengeId } : {}),
        ...(draft.resubmittedFrom ? { resubmittedFrom: draft.resubmittedFrom } : {}),
        ...outboxAttributes(draft.id, 'commit', draft.commitDueAt, draft.commit),
        ...keys.person(draft.data.contact.email),
      };
      if (await whenConditionHolds(put(item, 'attribute_not_exists(pk)'))) return { created: true, record: recordFromItem(item) };
      const existing = await store.get(draft.id);
      // No case at its key: the key holds a reference reserved for an older case (see legacy-references.ts).
      return existing ? { created: false, record: existing } : { created: false };
    },

    async addStatusLink(id, tokenHash) {
      // A string set: a link added twice is there once.
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.case(id),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'ADD statusLinks :link',
          ExpressionAttributeValues: { ':link': new Set([tokenHash]) },
        }),
      );
    },

    async recordCommit(record, commit) {
      // Each record is built from the case as stored, so an erasure that came first stays erased;
      // a version is written only while the case still holds it.
      const { version, at, seq, event } =
        commit.kind === 'submitted'
          ? { version: 1, at: record.createdAt, seq: 0, event: { type: 'submitted', to: 'submitted' } as const }
          : { version: commit.version, at: commit.at, seq: commit.seq, event: { type: 'amended', note: `v${commit.version}` } as const };
      await putAll([
        ...(record.dataVersion === version ? [{ ...keys.version(record.id, version), ...keys.person(record.data.contact.email), type: 'version', version, at, data: record.data }] : []),
        { ...keys.event(record.id, at, seq), type: 'event', event: { at, actor: { type: 'submitter' }, ...event } satisfies CaseEvent },
      ]);
      if (commit.kind === 'submitted') await countStatus(undefined, 'submitted');
    },

    async get(id) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.case(id), ConsistentRead: true }));
      // A case's key may hold a reserved reference instead (legacy-references.ts): no case.
      return result.Item?.type === 'case' ? recordFromItem(result.Item) : undefined;
    },

    async history(id) {
      const items = await partitionItems(keys.casePartition(id), keys.eventPrefix);
      return items.map((item) => item.event as CaseEvent);
    },

    async idsByStatus(status) {
      const { items } = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byStatus,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.statusPartition(status) },
        ProjectionExpression: 'id',
      });
      return items.map((item) => String(item.id));
    },

    async versions(id) {
      const items = await partitionItems(keys.casePartition(id), keys.versionPrefix);
      return items.map((item) => ({ version: Number(item.version), at: String(item.at), data: item.data as CaseInput }));
    },

    async version(id, version) {
      // A version item never changes once its commit wrote it (an erasure aside): an eventually consistent read, half the capacity.
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.version(id, version) }));
      const item = result.Item;
      return item?.type === 'version' ? { version: Number(item.version), at: String(item.at), data: item.data as CaseInput } : undefined;
    },

    async transition(change) {
      const decided = DECIDED.has(change.to);
      const changed = await whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.case(change.id),
            ConditionExpression: '#status = :from AND revision = :revision',
            UpdateExpression: `SET #status = :to, revision = :next, updatedAt = :at, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk${decided ? ', decidedAt = :at' : ''}${change.round !== undefined ? ', reviewRound = :round, reviewAttempt = :attempt' : ''}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':from': change.from,
              ':to': change.to,
              ':revision': change.expectedRevision,
              ':next': change.expectedRevision + 1,
              ':at': change.at,
              ':gsi1pk': keys.statusPartition(change.to),
              ':gsi1sk': `${change.at}#${change.id}`,
              ...(change.round !== undefined ? { ':round': change.round, ':attempt': change.attempt ?? 0 } : {}),
            },
          }),
        ),
      );
      if (!changed) return false;
      await countStatus(change.from, change.to);
      await put({
        ...keys.event(change.id, change.at, change.expectedRevision),
        ...(change.actor.type === 'reviewer' ? keys.person(change.actor.email) : {}),
        type: 'event',
        event: {
          at: change.at,
          type: 'status-changed',
          actor: change.actor,
          from: change.from,
          to: change.to,
          ...(change.note ? { note: change.note } : {}),
        } satisfies CaseEvent,
      });
      return true;
    },

    async setRound(id, expectedRevision, round, attempt, at) {
      return whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.case(id),
            ConditionExpression: 'revision = :revision',
            UpdateExpression: 'SET reviewRound = :round, reviewAttempt = :attempt, revision = :next, updatedAt = :at',
            ExpressionAttributeValues: { ':revision': expectedRevision, ':next': expectedRevision + 1, ':round': round, ':attempt': attempt, ':at': at },
          }),
        ),
      );
    },

    async amend({ id, expectedRevision, data, version, round, at, commit }) {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = {
        ':revision': expectedRevision,
        ':next': expectedRevision + 1,
        ':version': version,
        ':at': at,
        ':waiting': 'changes_requested',
        ':round': round,
        ':base': version - 1,
      };
      const sets = ['revision = :next', 'dataVersion = :version', 'updatedAt = :at', 'gsi3pk = :person'];
      values[':person'] = keys.person(data.contact.email).gsi3pk;
      const removes: string[] = [];
      DATA_FIELDS.forEach((field, index) => {
        names[`#f${index}`] = field;
        if (data[field] === undefined) removes.push(`#f${index}`);
        else {
          values[`:f${index}`] = data[field];
          sets.push(`#f${index} = :f${index}`);
        }
      });
      // One write: the case item takes the new version and carries the commit that records it
      // (version item, event) and delivers it to the workflow.
      setOutboxAttributes({ names, values, sets }, outboxAttributes(id, 'commit', at, commit));
      return whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.case(id),
            // dataVersion makes the edit link single-use: once the next version is stored, it cannot be stored again.
            ConditionExpression: '#status = :waiting AND revision = :revision AND reviewRound = :round AND dataVersion = :base',
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    async confirmContact({ id, expectedRevision, at, startWorkflow }) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':revision': expectedRevision, ':next': expectedRevision + 1, ':at': at, ':yes': true, ':submitted': 'submitted' };
      const sets = ['revision = :next', 'updatedAt = :at', 'confirmedAt = :at'];
      if (startWorkflow) setOutboxAttributes({ names, values, sets }, outboxAttributes(id, 'workflow', at));
      const confirmed = await whenConditionHolds(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.case(id),
            ConditionExpression: 'awaitingConfirmation = :yes AND revision = :revision AND #status = :submitted',
            UpdateExpression: `SET ${sets.join(', ')} REMOVE awaitingConfirmation`,
            ExpressionAttributeNames: { ...names, '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        ),
      );
      if (!confirmed) return false;
      await put({
        ...keys.event(id, at, expectedRevision),
        type: 'event',
        event: { at, type: 'contact-confirmed', actor: { type: 'submitter' } } satisfies CaseEvent,
      });
      return true;
    },
  };
  return store;
}
