import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CASE_SHAPE, type CaseInput } from '../domain/case';
import type { Actor, CaseEvent, CaseRecord, CaseStatus, CaseVersion, Effect, OutboxEntry } from '../domain/case-record';
import { INDEX, keys } from './keys';

/** A new case, ready to be stored with its first version and its pending effects. */
export interface NewCase {
  id: string;
  reference: string;
  data: CaseInput;
  statusTokenHash: string;
  at: string;
  effects: readonly { effect: Effect; payload?: Record<string, string> }[];
  /** When the outbox should pick up effects that were not completed inline. */
  effectsDueAt: string;
}

export interface Transition {
  id: string;
  /** The revision read; the write fails if anyone changed the case since. */
  expectedRevision: number;
  from: CaseStatus;
  to: CaseStatus;
  actor: Actor;
  at: string;
  note?: string;
}

/** The case repository: domain code speaks to this, never to the SDK. */
export interface CaseStore {
  /** Claims a reference for a case; false when another case holds it. */
  claimReference(reference: string, caseId: string): Promise<boolean>;
  /** Stores a new case; `created: false` when a case with that id already exists (a retried request). */
  create(draft: NewCase): Promise<{ created: boolean; record: CaseRecord }>;
  get(id: string): Promise<CaseRecord | undefined>;
  history(id: string): Promise<CaseEvent[]>;
  versions(id: string): Promise<CaseVersion[]>;
  /** Changes status if the case is still at the expected revision and status; false otherwise. */
  transition(change: Transition): Promise<boolean>;
  /** Outbox entries due at or before `now`, oldest first. */
  dueEffects(now: string, limit: number): Promise<OutboxEntry[]>;
  /** Leases an outbox entry for processing; false if someone else took it first. */
  leaseEffect(entry: OutboxEntry, leaseUntil: string): Promise<boolean>;
  completeEffect(caseId: string, effect: Effect): Promise<void>;
  /** Puts an effect back in the outbox for a later attempt. */
  deferEffect(caseId: string, effect: Effect, dueAt: string, error: string): Promise<void>;
}

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
  };
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

const DECIDED: ReadonlySet<CaseStatus> = new Set(['approved', 'rejected', 'expired']);

export function createCaseStore(doc: DynamoDBDocumentClient, tableName: string): CaseStore {
  const put = (Item: Item, ConditionExpression?: string, ExpressionAttributeValues?: Item) =>
    doc.send(new PutCommand({ TableName: tableName, Item, ConditionExpression, ExpressionAttributeValues }));

  async function queryAll(pk: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  const store: CaseStore = {
    async claimReference(reference, caseId) {
      try {
        await put(
          { ...keys.reference(reference), type: 'reference', reference, caseId },
          'attribute_not_exists(pk) OR caseId = :caseId',
          { ':caseId': caseId },
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async create(draft) {
      // The case item is written last: it is the commit point. Everything before it is keyed by
      // the case id and safe to write again, so a retry after a crash converges on one case.
      for (const { effect, payload } of draft.effects) {
        await put({
          ...keys.outbox(draft.id, effect),
          ...keys.outboxIndex(draft.effectsDueAt, draft.id),
          type: 'outbox',
          caseId: draft.id,
          effect,
          attempts: 0,
          dueAt: draft.effectsDueAt,
          ...(payload ? { payload } : {}),
        });
      }
      await put({ ...keys.version(draft.id, 1), type: 'version', version: 1, at: draft.at, data: draft.data });
      await put({
        ...keys.event(draft.id, draft.at, 0),
        type: 'event',
        event: { at: draft.at, type: 'submitted', actor: { type: 'submitter' }, to: 'submitted' } satisfies CaseEvent,
      });
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
        statusTokenHash: draft.statusTokenHash,
      };
      try {
        await put(item, 'attribute_not_exists(pk)');
        return { created: true, record: recordFromItem(item) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await store.get(draft.id);
        if (!existing) throw error;
        return { created: false, record: existing };
      }
    },

    async get(id) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.case(id), ConsistentRead: true }));
      return result.Item ? recordFromItem(result.Item) : undefined;
    },

    async history(id) {
      const items = await queryAll(keys.casePartition(id), keys.eventPrefix);
      return items.map((item) => item.event as CaseEvent);
    },

    async versions(id) {
      const items = await queryAll(keys.casePartition(id), keys.versionPrefix);
      return items.map((item) => ({ version: Number(item.version), at: String(item.at), data: item.data as CaseInput }));
    },

    async transition(change) {
      const decided = DECIDED.has(change.to);
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.case(change.id),
            ConditionExpression: '#status = :from AND revision = :revision',
            UpdateExpression: `SET #status = :to, revision = :next, updatedAt = :at, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk${decided ? ', decidedAt = :at' : ''}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':from': change.from,
              ':to': change.to,
              ':revision': change.expectedRevision,
              ':next': change.expectedRevision + 1,
              ':at': change.at,
              ':gsi1pk': keys.statusPartition(change.to),
              ':gsi1sk': `${change.at}#${change.id}`,
            },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
      await put({
        ...keys.event(change.id, change.at, change.expectedRevision),
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

    async dueEffects(now, limit) {
      const result = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.outbox,
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':pk': keys.outboxPartition, ':now': `${now}~` },
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => ({
        caseId: String(item.caseId),
        effect: item.effect as Effect,
        attempts: Number(item.attempts),
        dueAt: String(item.dueAt),
        ...(item.payload ? { payload: item.payload as Record<string, string> } : {}),
      }));
    },

    async leaseEffect(entry, leaseUntil) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbox(entry.caseId, entry.effect),
            ConditionExpression: 'attribute_exists(pk) AND dueAt = :seen',
            UpdateExpression: 'SET dueAt = :lease, gsi2sk = :gsi2sk',
            ExpressionAttributeValues: {
              ':seen': entry.dueAt,
              ':lease': leaseUntil,
              ':gsi2sk': keys.outboxIndex(leaseUntil, entry.caseId).gsi2sk,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async completeEffect(caseId, effect) {
      await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.outbox(caseId, effect) }));
    },

    async deferEffect(caseId, effect, dueAt, error) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.outbox(caseId, effect),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET dueAt = :due, gsi2sk = :gsi2sk, lastError = :error ADD attempts :one',
          ExpressionAttributeValues: {
            ':due': dueAt,
            ':gsi2sk': keys.outboxIndex(dueAt, caseId).gsi2sk,
            ':error': error.slice(0, 500),
            ':one': 1,
          },
        }),
      ).catch((failure) => {
        // Completed meanwhile by someone else: nothing left to defer.
        if (!isConditionFailure(failure)) throw failure;
      });
    },
  };
  return store;
}
