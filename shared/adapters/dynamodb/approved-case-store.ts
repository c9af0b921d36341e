import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovedCase, ApprovedCaseReader } from '../../app/matching';
import { MATCH_RULES } from '../../core/matching';
import { INDEX, STATUS_INDEX_ATTRIBUTES, keys } from './keys';
import { queryPages } from './query';

/**
 * What the matching reads of an approved case on the byStatus index: its public identity and the
 * classifications of the rule, those the index projects (a classification the index does not
 * project yet is read as absent rather than asked for).
 */
export const MATCH_INDEX_ATTRIBUTES: readonly string[] = [
  ...new Set(['id', 'reference', 'kind', 'partner', 'title', 'facility', 'stage', 'medicalDevice', 'decidedAt', ...MATCH_RULES.map((rule) => rule.field)]),
].filter((name) => (STATUS_INDEX_ATTRIBUTES as readonly string[]).includes(name));

export function createApprovedCaseStore(doc: DynamoDBDocumentClient, tableName: string): ApprovedCaseReader {
  const projection = Object.fromEntries(MATCH_INDEX_ATTRIBUTES.map((name, i) => [`#m${i}`, name]));
  return {
    async approved(kinds) {
      const cases: ApprovedCase[] = [];
      if (kinds.length === 0) return cases;
      const kindValues = Object.fromEntries(kinds.map((kind, i) => [`:k${i}`, kind]));
      // Every page of the approved partition: the filter drops the other kinds after the read.
      for await (const page of queryPages(doc, {
        TableName: tableName,
        IndexName: INDEX.byStatus,
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: `#kind IN (${Object.keys(kindValues).join(', ')})`,
        ProjectionExpression: Object.keys(projection).join(', '),
        ExpressionAttributeNames: { ...projection, '#kind': 'kind' },
        ExpressionAttributeValues: { ':pk': keys.statusPartition('approved'), ...kindValues },
      })) {
        cases.push(...(page.items as unknown as ApprovedCase[]));
      }
      return cases;
    },
  };
}
