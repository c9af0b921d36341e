import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReportTextsVersion } from '../../core/report-texts';
import type { ReportTextStore } from '../../app/report-texts';
import { whenConditionHolds } from './conditional';
import { keys } from './keys';

const fromItem = (item: Record<string, unknown>): ReportTextsVersion => ({
  version: Number(item.version),
  savedAt: String(item.savedAt),
  savedBy: String(item.savedBy),
  texts: item.texts as ReportTextsVersion['texts'],
});

/** The report's texts in their own partition, one item per version: the newest is the last sort key. */
export function createReportTextStore(doc: DynamoDBDocumentClient, tableName: string): ReportTextStore {
  /** One page of the partition, newest version first. */
  const page = (options: { limit?: number; start?: Record<string, unknown> } = {}) =>
    doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.reportTextsPartition },
        ScanIndexForward: false,
        ...(options.limit ? { Limit: options.limit } : {}),
        ...(options.start ? { ExclusiveStartKey: options.start } : {}),
      }),
    );

  return {
    async current() {
      const item = (await page({ limit: 1 })).Items?.[0];
      return item ? fromItem(item) : undefined;
    },

    async history() {
      const versions: ReportTextsVersion[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const answer = await page({ start });
        versions.push(...(answer.Items ?? []).map(fromItem));
        start = answer.LastEvaluatedKey;
      } while (start);
      return versions;
    },

    create(version) {
      return whenConditionHolds(
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.reportTexts(version.version), type: 'report-texts', ...version },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
