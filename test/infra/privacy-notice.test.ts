import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config';
import { BACKUP_DAYS, REQUEST_LOG_DAYS } from '../../shared/adapters/html/privacy';
import { buildStage, functionId, functionProps } from './synth';

// The privacy notice states periods the stacks apply: these tests fail when the two drift apart.
describe('what the privacy notice says, as the prod stage deploys it', () => {
  const { stacks } = buildStage('prod');
  const edge = Template.fromStack(stacks.edge);
  const stateful = Template.fromStack(stacks.stateful);
  const stateless = Template.fromStack(stacks.stateless);
  const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as { Properties: Record<string, any> }[];

  it('gives the function that serves /privacy the stage’s controller, contact and retention', () => {
    // Act
    const environment = functionProps(stateless, 'serve-form').Environment.Variables;

    // Assess
    const prod = stageConfig('prod');
    expect(environment).toMatchObject({
      PRIVACY_CONTROLLER: prod.privacy.controller,
      PRIVACY_CONTACT_EMAIL: prod.privacy.contactEmail,
      RETENTION_DAYS: String(prod.retentionDays),
    });
    // The purge reads the same retention the notice states.
    expect(functionProps(stateless, 'purge-personal-data').Environment.Variables.RETENTION_DAYS).toBe(environment.RETENTION_DAYS);
  });

  it('routes GET /privacy to that function', () => {
    const route = resources(stateless, 'AWS::ApiGatewayV2::Route').find((r) => r.Properties.RouteKey === 'GET /privacy');
    expect(route).toBeDefined();
    const integration = Object.entries(stateless.findResources('AWS::ApiGatewayV2::Integration')).find(([id]) => JSON.stringify(route?.Properties.Target).includes(id));
    expect(integration?.[1].Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionId(stateless, 'serve-form'), 'Arn'] });
  });

  it('keeps the backups as long as the notice says', () => {
    const rules = resources(stateful, 'AWS::Backup::BackupPlan').flatMap((plan) => plan.Properties.BackupPlan.BackupPlanRule as { Lifecycle: { DeleteAfterDays: number } }[]);
    expect(rules.map((rule) => rule.Lifecycle.DeleteAfterDays)).toEqual([BACKUP_DAYS]);
    // Point-in-time recovery, the other copy, always keeps 35 days.
    expect(resources(stateful, 'AWS::DynamoDB::Table')[0]?.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('keeps the logs that hold client addresses as long as the notice says', () => {
    const bucketExpirations = resources(edge, 'AWS::S3::Bucket').flatMap((bucket) =>
      ((bucket.Properties.LifecycleConfiguration?.Rules ?? []) as { ExpirationInDays?: number }[]).map((rule) => rule.ExpirationInDays).filter((days) => days !== undefined),
    );
    const wafLogs = resources(edge, 'AWS::Logs::LogGroup').filter((group) => String(group.Properties.LogGroupName).startsWith('aws-waf-logs-'));
    expect(bucketExpirations).toEqual([REQUEST_LOG_DAYS]);
    expect(wafLogs.map((group) => group.Properties.RetentionInDays)).toEqual([REQUEST_LOG_DAYS]);
  });
});
