import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { CASE_STATUSES, type CaseStatus } from '../../core/case-record';
import type { DecisionTimes, MetricCase, MetricsSnapshot } from '../../core/metrics';
import { INDEX, keys } from './keys';
import { queryPages } from './query';
import type { StoredSnapshot, Page, MetricsStore } from '../../app/ports';
export type { StoredSnapshot, Page, MetricsStore } from '../../app/ports';

/** Attributes of an approved case that the metrics use: all the aggregation reads. */
export const METRIC_ATTRIBUTES = [
  'id', 'kind', 'partner', 'facility', 'telexServices', 'clinicalAreas', 'careSettings', 'technologies',
  'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'targetPopulation', 'medicalDevice', 'createdAt', 'decidedAt',
] as const;

/** A strong entity tag for a snapshot: the hash of its JSON. */
export function etagOf(snapshot: MetricsSnapshot): string {
  return `"${createHash('sha256').update(JSON.stringify(snapshot)).digest('base64url').slice(0, 27)}"`;
}

const names = (attributes: readonly string[]) => Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));

export function createMetricsStore(doc: DynamoDBDocumentClient, tableName: string): MetricsStore {
  /** The items come with only the attributes asked for: the caller names what they are. */
  const queryStatus = <T>(status: CaseStatus, attributes: readonly string[]) =>
    queryPages(doc, {
      TableName: tableName,
      IndexName: INDEX.byStatus,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.statusPartition(status) },
      ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: names(attributes),
      ReturnConsumedCapacity: 'TOTAL',
    }) as AsyncIterable<Page<unknown>> as AsyncIterable<Page<T>>;

  return {
    approvedCases: () => queryStatus<MetricCase>('approved', METRIC_ATTRIBUTES),

    decisionTimes: (status) => queryStatus<DecisionTimes>(status, ['createdAt', 'decidedAt']),

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
