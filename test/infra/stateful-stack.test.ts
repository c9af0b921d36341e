import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INDEX, STATUS_INDEX_ATTRIBUTES } from '../../shared/adapters/dynamodb/keys';
import { RETIRED_STATUS_INDEX } from '../../infra/stacks/stateful-stack';
import { synthStage } from './synth';

const { stateful } = synthStage('dev');

describe('the stateful stack', () => {
  it('holds exactly one table, keyed by pk and sk as strings', () => {
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    });
  });

  it('bills the table per request', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST' });
  });

  it('keeps point-in-time recovery on', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('refuses to delete the table through the API', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('keeps the table when the stack is deleted or the table replaced', () => {
    stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('encrypts the table with its own rotating key, which outlives the stack too', () => {
    const keys = stateful.findResources('AWS::KMS::Key');
    const [keyId, key] = Object.entries(keys)[0] ?? [];
    expect(Object.keys(keys)).toHaveLength(1);
    expect(key).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });

  it('lets DynamoDB expire items by their expiresAt attribute', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('projects only the public, aggregatable fields into the byStatus index', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: INDEX.byStatus,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...STATUS_INDEX_ATTRIBUTES] },
        },
      ]),
    });
  });

  it('projects the classifications the national rules ask for into the byStatus index', () => {
    expect(STATUS_INDEX_ATTRIBUTES).toEqual(expect.arrayContaining(['targetPopulation', 'medicalDevice']));
    expect(STATUS_INDEX_ATTRIBUTES).not.toEqual(expect.arrayContaining(['contact']));
  });

  it('adds the byStatus index under a new name and leaves the retired one as deployed: one index added, none changed', () => {
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::Table')) as { Properties: { GlobalSecondaryIndexes: { IndexName: string }[] } }[];
    const names = table!.Properties.GlobalSecondaryIndexes.map((index) => index.IndexName);
    expect(names.sort()).toEqual([INDEX.byPerson, INDEX.byStatus, INDEX.outbox, RETIRED_STATUS_INDEX.name].sort());
    expect(INDEX.byStatus).not.toBe(RETIRED_STATUS_INDEX.name);
    // The retired index exactly as the previous release deployed it: an index CloudFormation would have to change in place fails the update.
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: [
              'id', 'reference', 'status', 'partner', 'kind', 'title', 'facility', 'telexServices', 'clinicalAreas', 'careSettings',
              'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'startDate', 'createdAt', 'decidedAt',
            ],
          },
        },
      ]),
    });
  });

  it('projects whole items into the outbox index', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'gsi2pk', AttributeType: 'S' },
        { AttributeName: 'gsi2sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: INDEX.outbox,
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
    });
  });

  it('streams the new image of every write, which the stateless stack reads from the table', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const [tableId] = Object.keys(stateful.findResources('AWS::DynamoDB::Table'));
    const outputs = Object.values(stateful.toJSON().Outputs ?? {}) as { Value: unknown }[];
    expect(outputs.map((o) => o.Value)).toContainEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
  });

  it('leaves the table name to CloudFormation, so stages never collide', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { TableName: Match.absent() });
  });
});
