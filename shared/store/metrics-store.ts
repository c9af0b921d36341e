import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { CASE_STATUSES, type CaseStatus } from '../domain/case-record';
import type { MetricCase, MetricsSnapshot } from '../domain/metrics';
import { INDEX, keys } from './keys';
import { queryAll } from './query';

/** Attributes of an approved case that the metrics use: all the aggregation reads. */
export const METRIC_ATTRIBUTES = [
  'id', 'kind', 'partner', 'facility', 'telexServices', 'clinicalAreas', 'careSettings', 'technologies',
  'stage', 'patientsImpacted', 'funding', 'reimbursement', 'createdAt', 'decidedAt',
] as const;

/** A stored snapshot: the metrics and the entity tag clients revalidate with. */
export interface StoredSnapshot {
  snapshot: MetricsSnapshot;
  etag: string;
}

export interface MetricsStore {
  /** Approved cases, only their metric attributes, from the byStatus index; and the read capacity used. */
  approvedCases(): Promise<{ cases: MetricCase[]; readCapacity: number }>;
  /** Submission and decision times of the cases in a status. */
  decisionTimes(status: CaseStatus): Promise<{ times: { createdAt: string; decidedAt?: string }[]; readCapacity: number }>;
  statusCounts(): Promise<Partial<Record<CaseStatus, number>>>;
  /** Writes the snapshot to the history, then as the latest. */
  save(snapshot: MetricsSnapshot): Promise<StoredSnapshot>;
  latest(): Promise<StoredSnapshot | undefined>;
  /** Snapshots newest first, a page at a time; `cursor` comes from the previous page. */
  history(limit: number, cursor?: string): Promise<{ items: MetricsSnapshot[]; cursor?: string }>;
}

/** A strong entity tag for a snapshot: the hash of its JSON. */
export function etagOf(snapshot: MetricsSnapshot): string {
  return `"${createHash('sha256').update(JSON.stringify(snapshot)).digest('base64url').slice(0, 27)}"`;
}

const names = (attributes: readonly string[]) => Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));

export function createMetricsStore(doc: DynamoDBDocumentClient, tableName: string): MetricsStore {
  const queryStatus = (status: CaseStatus, attributes: readonly string[]) =>
    queryAll(doc, {
      TableName: tableName,
      IndexName: INDEX.byStatus,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.statusPartition(status) },
      ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: names(attributes),
      ReturnConsumedCapacity: 'TOTAL',
    });

  return {
    async approvedCases() {
      const { items, readCapacity } = await queryStatus('approved', METRIC_ATTRIBUTES);
      return { cases: items as unknown as MetricCase[], readCapacity };
    },

    async decisionTimes(status) {
      const { items, readCapacity } = await queryStatus(status, ['createdAt', 'decidedAt']);
      return { times: items as { createdAt: string; decidedAt?: string }[], readCapacity };
    },

    async statusCounts() {
      const item = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.statusCounters }))).Item ?? {};
      return Object.fromEntries(CASE_STATUSES.filter((s) => typeof item[s] === 'number').map((s) => [s, Number(item[s])]));
    },

    async save(snapshot) {
      const etag = etagOf(snapshot);
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.snapshotHistory(snapshot.generatedAt), type: 'metrics', etag, snapshot } }));
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.latestSnapshot, type: 'metrics', etag, snapshot } }));
      return { snapshot, etag };
    },

    async latest() {
      const item = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.latestSnapshot }))).Item;
      return item ? { snapshot: item.snapshot as MetricsSnapshot, etag: String(item.etag) } : undefined;
    },

    async history(limit, cursor) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.snapshotHistoryPartition },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: cursor ? { pk: keys.snapshotHistoryPartition, sk: cursor } : undefined,
        }),
      );
      return {
        items: (page.Items ?? []).map((item) => item.snapshot as MetricsSnapshot),
        ...(page.LastEvaluatedKey ? { cursor: String(page.LastEvaluatedKey.sk) } : {}),
      };
    },
  };
}
