import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CatalogCase, CatalogFilters, CatalogPosition, CatalogQuery, CatalogReader } from '../../app/catalog';
import { INDEX, keys } from './keys';
import { batchGetAll, queryAll } from './query';

/**
 * Attributes of an approved case the catalogue reads from the byStatus index: the public ones, and
 * the index sort key to continue from. `summary` is not projected there; it comes from the case items.
 */
export const CATALOG_INDEX_ATTRIBUTES = [
  'id', 'reference', 'partner', 'kind', 'title', 'facility', 'telexServices', 'clinicalAreas', 'careSettings',
  'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'startDate',
  'decidedAt', 'gsi1sk',
] as const;

/** The public catalogue's repository. */
export type CatalogStore = CatalogReader;

type Item = Record<string, unknown>;

/** With filters, read a few index items per wanted match per request; the cap bounds one request's cost. */
const FILTERED_READ_FACTOR = 4;
const READ_LIMIT_MAX = 1000;

function filterExpression(filters: CatalogFilters) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  if (filters.kind) {
    names['#fkind'] = 'kind';
    values[':fkind'] = filters.kind;
    parts.push('#fkind = :fkind');
  }
  if (filters.partner) {
    names['#fpartner'] = 'partner';
    values[':fpartner'] = filters.partner;
    parts.push('#fpartner = :fpartner');
  }
  if (filters.clinicalArea) {
    names['#farea'] = 'clinicalAreas';
    values[':farea'] = filters.clinicalArea;
    parts.push('contains(#farea, :farea)');
  }
  if (filters.telexService) {
    names['#fservice'] = 'telexServices';
    values[':fservice'] = filters.telexService;
    parts.push('contains(#fservice, :fservice)');
  }
  return { expression: parts.length ? parts.join(' AND ') : undefined, names, values };
}

/** The position of an index item, from its sort key `<decidedAt>#<id>`. */
function positionOf(item: Item): CatalogPosition {
  const sortKey = String(item.gsi1sk);
  const cut = sortKey.lastIndexOf('#');
  return { at: sortKey.slice(0, cut), id: sortKey.slice(cut + 1) };
}

export function createCatalogStore(doc: DynamoDBDocumentClient, tableName: string): CatalogStore {
  /** The summaries of cases by id, from the case items. */
  async function summaries(ids: readonly string[]): Promise<Map<string, string>> {
    const items = await batchGetAll(doc, tableName, ids.map((id) => keys.case(id)), { projection: ['id', 'summary'] });
    return new Map(items.map((item) => [String(item.id), String(item.summary ?? '')]));
  }

  return {
    async page({ filters, limit, after }: CatalogQuery) {
      const filter = filterExpression(filters);
      const projection = Object.fromEntries(CATALOG_INDEX_ATTRIBUTES.map((name, i) => [`#p${i}`, name]));
      const want = limit + 1; // one more than the page: tells whether a next page exists
      const { items: matches } = await queryAll(
        doc,
        {
          TableName: tableName,
          IndexName: INDEX.byStatus,
          KeyConditionExpression: 'gsi1pk = :pk',
          FilterExpression: filter.expression,
          ProjectionExpression: Object.keys(projection).join(', '),
          ExpressionAttributeNames: { ...projection, ...filter.names },
          ExpressionAttributeValues: { ':pk': keys.statusPartition('approved'), ...filter.values },
          ScanIndexForward: false,
          Limit: Math.min(READ_LIMIT_MAX, filter.expression ? want * FILTERED_READ_FACTOR : want),
          ExclusiveStartKey: after ? { ...keys.byStatus('approved', after.at, after.id), ...keys.case(after.id) } : undefined,
        },
        (items) => items.length >= want,
      );

      const chosen = matches.slice(0, limit);
      const texts = await summaries(chosen.map((item) => String(item.id)));
      const items = chosen.map(({ gsi1sk: _sortKey, ...item }) => ({ ...item, summary: texts.get(String(item.id)) ?? '' }) as unknown as CatalogCase);
      const last = chosen.at(-1);
      return { items, ...(matches.length > limit && last ? { next: positionOf(last) } : {}) };
    },
  };
}
