import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { INDEX, STATUS_INDEX_ATTRIBUTES } from '../../shared/store/keys';

/**
 * What must outlive any deployment: the single table and its key. Kept apart from the
 * functions so that replacing or deleting the stateless stack can never touch the data.
 */
export class StatefulStack extends Stack {
  /** The single table of hub-intake (keys in `shared/store/keys.ts`). */
  public readonly table: Table;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // A customer-managed key so that access to case data (personal data) is auditable and revocable on its own.
    const key = new Key(this, 'TableKey', {
      description: 'hub-intake case table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: 'expiresAt',
    });

    this.table.addGlobalSecondaryIndex({
      indexName: INDEX.byStatus,
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      // Only the public, aggregatable fields: contact data never reaches the index.
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...STATUS_INDEX_ATTRIBUTES],
    });

    this.table.addGlobalSecondaryIndex({
      indexName: INDEX.outbox,
      partitionKey: { name: 'gsi2pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
