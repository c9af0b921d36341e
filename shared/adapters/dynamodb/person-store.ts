import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional';
import { INDEX, keys } from './keys';
import { batchGetAll, queryAll } from './query';
import type { StoredItem, PersonStore } from '../../app/ports';
export type { StoredItem, PersonStore } from '../../app/ports';

/** What stands in for erased personal data. */
export const ERASED = '[erased]';

const erasedContact = { name: ERASED, email: ERASED };

export function createPersonStore(doc: DynamoDBDocumentClient, tableName: string): PersonStore {
  const update = async (key: { pk: string; sk: string }, expression: string, values: Record<string, unknown>, names?: Record<string, string>) => {
    // Gone meanwhile: nothing left to erase.
    await whenConditionHolds(
      doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: expression,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        }),
      ),
    );
  };

  return {
    async itemsOf(email) {
      const found = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byPerson,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.personPartition(email) },
      });
      const keyList = found.items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
      const items = (await batchGetAll(doc, tableName, keyList, { consistent: true })) as StoredItem[];
      return items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
    },

    async erase(item, at) {
      const key = { pk: item.pk, sk: item.sk };
      switch (item.type) {
        case 'case':
          return update(key, 'SET contact = :erased, personalDataErasedAt = :at REMOVE gsi3pk', { ':erased': erasedContact, ':at': at });
        case 'version':
          return update(key, 'SET #data.contact = :erased REMOVE gsi3pk', { ':erased': erasedContact }, { '#data': 'data' });
        case 'decision':
        case 'review-request':
          // A pending mail to this reviewer is dropped with its payload: it would go to an erased address.
          return update(key, 'SET reviewer = :erased REMOVE gsi3pk, payload, gsi2pk, gsi2sk', { ':erased': ERASED });
        case 'confirmed-contact':
          // The confirmation is forgotten with the person: a later case asks again.
          return update(key, 'SET erasedAt = :at REMOVE gsi3pk', { ':at': at });
        case 'event':
          // A review request's event holds the person asked; any other event, the reviewer who acted.
          if ((item.event as { type?: string } | undefined)?.type === 'review-requested') {
            return update(key, 'SET #event.asked.email = :erased REMOVE gsi3pk', { ':erased': ERASED }, { '#event': 'event' });
          }
          return update(key, 'SET #event.actor.email = :erased REMOVE gsi3pk', { ':erased': ERASED }, { '#event': 'event' });
        default:
          throw new Error(`no erasure rule for items of type ${String(item.type)}`);
      }
    },

    async caseItems(caseId) {
      // Every page: a query stops at 1 MB, and the purge must see every version of a case.
      const { items } = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.casePartition(caseId) },
        ConsistentRead: true,
      });
      return items as StoredItem[];
    },

    async decidedBetween(status, from, to) {
      const { items } = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byStatus,
        // The index sorts by `<decidedAt>#<id>`: '#' < '~' keeps every id of the last instant in range.
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.statusPartition(status), ':from': `${from}~`, ':to': `${to}~` },
        ProjectionExpression: 'id',
      });
      return items.map((item) => String(item.id));
    },

    async watermark() {
      const item = (await doc.send(new GetCommand({ TableName: tableName, Key: keys.purgeWatermark, ConsistentRead: true }))).Item;
      return typeof item?.until === 'string' ? item.until : undefined;
    },

    async setWatermark(at) {
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.purgeWatermark, type: 'watermark', until: at } }));
    },
  };
}
