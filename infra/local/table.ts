import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEX, STATUS_INDEX_ATTRIBUTES } from '../../shared/adapters/dynamodb/keys';

/** The table's name in the embedded runtime. */
export const LOCAL_TABLE = 'hub-intake';

/** The attributes of the table's primary key, in the order of its key schema. */
export const TABLE_KEY_NAMES = ['pk', 'sk'] as const;

/**
 * The table as the embedded emulator gets it: the same keys and indexes as the stateful stack
 * (a test compares the two), minus what dynalite lacks (TTL, encryption, PITR) and the index the
 * deployed table keeps only until a later deploy removes it (`RETIRED_STATUS_INDEX`).
 */
export function localTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEY_NAMES[0], KeyType: 'HASH' },
      { AttributeName: TABLE_KEY_NAMES[1], KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX.byStatus,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...STATUS_INDEX_ATTRIBUTES] },
      },
      {
        IndexName: INDEX.outbox,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: INDEX.byPerson,
        KeySchema: [{ AttributeName: 'gsi3pk', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
