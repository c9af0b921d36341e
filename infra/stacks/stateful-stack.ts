import { Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { INDEX, STATUS_INDEX_ATTRIBUTES } from '../../shared/adapters/dynamodb/keys';
import { acknowledge } from '../constructs/compliance';

/**
 * The index that served the byStatus role before targetPopulation and medicalDevice were
 * projected, with its projection of then. CloudFormation cannot change the projection of an
 * AWS::DynamoDB::Table's index in place, nor add one index and delete another in one update: this
 * one stays on the table, unread, while `INDEX.byStatus` is created beside it from the same keys
 * (DynamoDB fills it from the existing items), and a later release deletes it, in a deploy of its
 * own, once every stage reads the new one (README, "Deploying to AWS").
 */
export const RETIRED_STATUS_INDEX = {
  name: 'byStatus',
  nonKeyAttributes: [
    'id', 'reference', 'status', 'partner', 'kind', 'title', 'facility', 'telexServices', 'clinicalAreas', 'careSettings',
    'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'startDate', 'createdAt', 'decidedAt',
  ],
} as const;

/**
 * What must outlive any deployment: the single table, its key and its backups. Kept apart from
 * the functions so that replacing or deleting the stateless stack can never touch the data.
 */
export class StatefulStack extends Stack {
  /**
   * The single table of hub-intake (keys in `shared/adapters/dynamodb/keys.ts`), with its stream:
   * the stateless stack reads `tableStreamArn` from it (a cross-stack reference) to feed
   * `react-to-commit`.
   */
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
      // Every commit that leaves a fresh outbox entry reaches react-to-commit through the stream
      // (infra/config/stream.ts). New images only: the function reads what the commit wrote, never
      // what was there before. Changing the view type replaces the stream and its ARN: the mapping
      // in the stateless stack moves to the new stream on that stack's deploy, and the sweep runs
      // whatever is committed in between.
      stream: StreamViewType.NEW_IMAGE,
    });

    // Unchanged from the deployed table, so that the new index below is this update's only index change.
    this.table.addGlobalSecondaryIndex({
      indexName: RETIRED_STATUS_INDEX.name,
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...RETIRED_STATUS_INDEX.nonKeyAttributes],
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

    // Every item that holds an email, by a hash of the address: what erasure and export of one
    // person's data look up (shared/adapters/dynamodb/person-store.ts). Keys only: the items are read by key.
    this.table.addGlobalSecondaryIndex({
      indexName: INDEX.byPerson,
      partitionKey: { name: 'gsi3pk', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    // PITR restores any second of the last 35 days, but only while the table exists; AWS Backup
    // keeps daily copies apart from it, in a vault that outlives the stack. Also 35 days: contact
    // data erased from the table (retentionDays, or on request) is gone from every copy a month later.
    // A vault needs a name, and a retained one outlives its stack: a fixed name (CDK's default is
    // one) makes the next create of the stack fail on the vault left behind. The name ends with a
    // part of the stack's id, which is new on every create of the stack.
    const stackIdSuffix = Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', this.stackId))));
    const vault = new BackupVault(this, 'BackupVault', {
      backupVaultName: Fn.join('-', [this.stackName, 'backups', stackIdSuffix]),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'BackupPlan', {
      // Named after the stack: CDK would otherwise call every stage's plan "BackupPlan".
      backupPlanName: `${this.stackName}-daily`,
      backupVault: vault,
      backupPlanRules: [
        new BackupPlanRule({ ruleName: 'Daily', scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }), deleteAfter: Duration.days(35) }),
      ],
    });
    const selection = plan.addSelection('Table', { resources: [BackupResource.fromDynamoDbTable(this.table)] });
    acknowledge(
      selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      "The backup selection's role uses AWS Backup's own service-role policy, which AWS keeps in step with what Backup " +
        'needs for DynamoDB (backups, KMS grants, advanced backup features). Compensating controls: only backup.amazonaws.com ' +
        'can assume the role, the selection names this one table, and restores are not allowed to it.',
    );
  }
}
