import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CatalogCase, CatalogFilters, CatalogPage, CatalogPosition, CatalogQuery, CatalogReader } from '../../app/catalog';
import { INDEX, keys } from './keys';
import { batchGetAll, queryAll } from './query';

/**
 * Attributes of an approved case the catalogue reads from the byStatus index: the public ones, and
 * the index sort key to continue from. `summary` is not projected there; it comes from the case items.
 */
export const CATALOG_INDEX_ATTRIBUTES = [
  'id', 'reference', 'partner', 'kind', 'title', 'facility', 'telexServices', 'clinicalAreas', 'careSettings',
  'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'startDate',
  'targetPopulation', 'medicalDevice', 'decidedAt', 'gsi1sk',
] as const;

/** The public catalogue's repository. */
export type CatalogStore = CatalogReader;

type Item = Record<string, unknown>;

/** With filters, read a few index items per wanted match per request; the cap bounds one request's cost. */
const FILTERED_READ_FACTOR = 4;
const READ_LIMIT_MAX = 1000;

/**
 * Each filter of the catalogue, the attribute it tests and how: one value (`equals`) or one value
 * among a list (`contains`). Each has its own placeholder names in the expression.
 */
const FILTERS = [
  { filter: 'kind', attribute: 'kind', placeholder: 'fkind', test: 'equals' },
  { filter: 'partner', attribute: 'partner', placeholder: 'fpartner', test: 'equals' },
  { filter: 'clinicalArea', attribute: 'clinicalAreas', placeholder: 'farea', test: 'contains' },
  { filter: 'telexService', attribute: 'telexServices', placeholder: 'fservice', test: 'contains' },
  { filter: 'targetPopulation', attribute: 'targetPopulation', placeholder: 'fpopulation', test: 'contains' },
  { filter: 'medicalDevice', attribute: 'medicalDevice', placeholder: 'fdevice', test: 'equals' },
] as const satisfies readonly { filter: keyof CatalogFilters; attribute: string; placeholder: string; test: 'equals' | 'contains' }[];

/** Does not compile while a filter of {@link CatalogFilters} is missing from {@link FILTERS}. */
const everyFilterTested: Exclude<keyof CatalogFilters, (typeof FILTERS)[number]['filter']> extends never ? true : never = true;
void everyFilterTested;

function filterExpression(filters: CatalogFilters) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  for (const { filter, attribute, placeholder, test } of FILTERS) {
    const value = filters[filter];
    if (!value) continue;
    names[`#${placeholder}`] = attribute;
    values[`:${placeholder}`] = value;
    parts.push(test === 'contains' ? `contains(#${placeholder}, :${placeholder})` : `#${placeholder} = :${placeholder}`);
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

  const projection = Object.fromEntries(CATALOG_INDEX_ATTRIBUTES.map((name, i) => [`#p${i}`, name]));
  const approvedKey = { ':pk': keys.statusPartition('approved') };
  const startKey = (position: CatalogPosition) => ({ ...keys.byStatus('approved', position.at, position.id), ...keys.case(position.id) });

  /** Up to `want` matching index items from `start` on, newest first (`forward` false) or oldest first. */
  async function matching(filters: CatalogFilters, want: number, forward: boolean, start?: CatalogPosition): Promise<Item[]> {
    const filter = filterExpression(filters);
    const { items } = await queryAll(
      doc,
      {
        TableName: tableName,
        IndexName: INDEX.byStatus,
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: filter.expression,
        ProjectionExpression: Object.keys(projection).join(', '),
        ExpressionAttributeNames: { ...projection, ...filter.names },
        ExpressionAttributeValues: { ...approvedKey, ...filter.values },
        ScanIndexForward: forward,
        Limit: Math.min(READ_LIMIT_MAX, filter.expression ? want * FILTERED_READ_FACTOR : want),
        ExclusiveStartKey: start ? startKey(start) : undefined,
      },
      (found) => found.length >= want,
    );
    return items.slice(0, want);
  }

  async function withSummaries(chosen: readonly Item[]): Promise<CatalogCase[]> {
    const texts = await summaries(chosen.map((item) => String(item.id)));
    return chosen.map(({ gsi1sk: _sortKey, ...item }) => ({ ...item, summary: texts.get(String(item.id)) ?? '' }) as unknown as CatalogCase);
  }

  async function forwardPage(filters: CatalogFilters, limit: number, after?: CatalogPosition): Promise<CatalogPage> {
    const matches = await matching(filters, limit + 1, false, after); // one more: tells whether a next page exists
    const chosen = matches.slice(0, limit);
    const first = chosen[0];
    const last = chosen.at(-1);
    return {
      items: await withSummaries(chosen),
      ...(matches.length > limit && last ? { next: positionOf(last) } : {}),
      ...(after && first ? { previous: positionOf(first) } : {}),
    };
  }

  return {
    async page({ filters, limit, after, before }: CatalogQuery) {
      if (!before) return forwardPage(filters, limit, after);
      // The cases just newer than `before`, read oldest first from it, then put newest first again.
      const matches = await matching(filters, limit + 1, true, before);
      // Fewer than a page and one: this reaches the newest case, so it is the first page, whole.
      if (matches.length <= limit) return forwardPage(filters, limit);
      const chosen = matches.slice(0, limit).reverse();
      return { items: await withSummaries(chosen), next: positionOf(chosen.at(-1)!), previous: positionOf(chosen[0]!) };
    },

    async count(filters: CatalogFilters) {
      const filter = filterExpression(filters);
      let total = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: INDEX.byStatus,
            KeyConditionExpression: 'gsi1pk = :pk',
            FilterExpression: filter.expression,
            ExpressionAttributeNames: filter.expression ? filter.names : undefined,
            ExpressionAttributeValues: { ...approvedKey, ...filter.values },
            Select: 'COUNT',
            ExclusiveStartKey,
          }),
        );
        total += page.Count ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return total;
    },
  };
}
