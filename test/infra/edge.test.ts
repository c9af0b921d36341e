import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EDGE_RATE_LIMIT } from '../../infra/config/edge';
import { stageConfig } from '../../infra/config';
import { pathPattern, RATE_LIMIT_RULE } from '../../infra/constructs/edge-firewall';
import { ROUTES } from '../../infra/routes';
import { ORIGIN_VERIFY_HEADER } from '../../shared/config';
import { buildStage, functionProps } from './synth';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;

const build = (stage: string) => {
  const { stacks } = buildStage(stage);
  return {
    stacks,
    edge: Template.fromStack(stacks.edge),
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
  };
};
const dev = build('dev');
const prod = build('prod');

const only = (template: Template, type: string) => {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]!.Properties as Record<string, any>;
};
const webAcl = (template: Template) => only(template, 'AWS::WAFv2::WebACL');
const distribution = (template: Template) => only(template, 'AWS::CloudFront::Distribution').DistributionConfig;

/** The managed policy ids CloudFront documents for CachingDisabled and AllViewerExceptHostHeader. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('the edge stack', () => {
  it('lives in us-east-1, where CloudFront reads web ACLs and certificates', () => {
    expect(dev.stacks.edge.region).toBe('us-east-1');
    expect(dev.stacks.stateless.region).toBe('eu-south-1');
  });

  it('holds a web ACL of scope CLOUDFRONT that allows by default', () => {
    expect(webAcl(dev.edge)).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it('runs the IP reputation list, the rate limit, then the common and known-bad-inputs rule groups', () => {
    const rules = (webAcl(dev.edge).Rules as { Name: string; Priority: number }[]).sort((a, b) => a.Priority - b.Priority);
    expect(rules.map((r) => r.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      RATE_LIMIT_RULE,
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
  });

  it('lets the common rule set only count bodies over 8 KB: the functions take up to 64 KB and answer 413 beyond', () => {
    const common = (webAcl(dev.edge).Rules as any[]).find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.OverrideAction).toEqual({ None: {} });
    expect(common.Statement.ManagedRuleGroupStatement).toMatchObject({
      VendorName: 'AWS',
      Name: 'AWSManagedRulesCommonRuleSet',
      RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
    });
  });

  it('limits each client address on the routes of EDGE_RATE_LIMIT and answers 429 with Retry-After', () => {
    const acl = webAcl(dev.edge);
    const rule = (acl.Rules as any[]).find((r) => r.Name === RATE_LIMIT_RULE);
    expect(rule.Statement.RateBasedStatement).toMatchObject({
      Limit: EDGE_RATE_LIMIT.requests,
      EvaluationWindowSec: EDGE_RATE_LIMIT.windowSeconds,
      AggregateKeyType: 'IP',
    });
    expect(EDGE_RATE_LIMIT.requests).toBeGreaterThanOrEqual(10); // WAF's minimum
    expect(rule.Action.Block.CustomResponse).toMatchObject({
      ResponseCode: 429,
      ResponseHeaders: [{ Name: 'Retry-After', Value: String(EDGE_RATE_LIMIT.windowSeconds) }],
    });
    const body = acl.CustomResponseBodies[rule.Action.Block.CustomResponse.CustomResponseBodyKey];
    expect(JSON.parse(body.Content)).toMatchObject({ status: 429, type: 'urn:hub-intake:problem:too-many-requests' });
  });

  /** Evaluates the rate rule's scope-down statement on a request, as WAF would, text transformations included. */
  const rateLimited = () => {
    const rule = (webAcl(dev.edge).Rules as any[]).find((r) => r.Name === RATE_LIMIT_RULE);
    const scope = rule.Statement.RateBasedStatement.ScopeDownStatement.OrStatement.Statements as any[];
    const transform = (value: string, transformations: { Priority: number; Type: string }[]) =>
      [...transformations]
        .sort((a, b) => a.Priority - b.Priority)
        .reduce((text, { Type }) => {
          if (Type === 'NONE') return text;
          if (Type === 'URL_DECODE') return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
          if (Type === 'NORMALIZE_PATH') {
            const segments: string[] = [];
            for (const segment of text.replace(/\/{2,}/g, '/').split('/').slice(1)) {
              if (segment === '.') continue;
              if (segment === '..') segments.pop();
              else segments.push(segment);
            }
            return `/${segments.join('/')}`;
          }
          throw new Error(`a transformation this evaluator does not know: ${Type}`);
        }, value);
    const matches = (statement: any, method: string, path: string): boolean => {
      if (statement.OrStatement) return statement.OrStatement.Statements.some((s: any) => matches(s, method, path));
      if (statement.AndStatement) return statement.AndStatement.Statements.every((s: any) => matches(s, method, path));
      if (statement.RegexMatchStatement) {
        const { RegexString, TextTransformations, FieldToMatch } = statement.RegexMatchStatement;
        expect(FieldToMatch).toEqual({ UriPath: {} });
        return new RegExp(RegexString).test(transform(path, TextTransformations));
      }
      const byte = statement.ByteMatchStatement;
      const value = byte.FieldToMatch.Method ? method : path;
      expect(byte.PositionalConstraint).toBe('EXACTLY');
      return transform(value, byte.TextTransformations) === byte.SearchString;
    };
    return (method: string, path: string) => scope.some((s) => matches(s, method, path));
  };

  it('scopes the rate limit to POST /cases, /review/{reviewId}, /cases/{id}/edit and /cases/{id}/confirm, and to nothing else', () => {
    const limited = rateLimited();
    expect(limited('POST', '/cases')).toBe(true);
    expect(limited('GET', '/review/abcdefghijklmnopqrstuvwxyz')).toBe(true);
    expect(limited('POST', '/review/abcdefghijklmnopqrstuvwxyz')).toBe(true);
    expect(limited('GET', '/cases/01J0000000000000000000000/edit')).toBe(true);
    expect(limited('POST', '/cases/01J0000000000000000000000/edit')).toBe(true);
    expect(limited('GET', '/cases/01J0000000000000000000000/confirm')).toBe(true);
    expect(limited('POST', '/cases/01J0000000000000000000000/confirm')).toBe(true);
    expect(limited('OPTIONS', '/cases')).toBe(false);
    expect(limited('GET', '/cases/01J0000000000000000000000')).toBe(false);
    expect(limited('GET', '/cases/a/b/edit')).toBe(false);
    expect(limited('GET', '/metrics')).toBe(false);
    expect(limited('GET', '/form')).toBe(false);
    // Every limited path is a route of the API.
    for (const { path } of EDGE_RATE_LIMIT.paths) expect(ROUTES.some((route) => route.path === path), path).toBe(true);
  });

  it('counts a path however it is spelled: URL-encoded (API Gateway decodes before routing), with repeated slashes, dot segments or a trailing slash', () => {
    const limited = rateLimited();
    for (const path of ['/%63ases', '/%63%61%73%65%73', '/c%61ses', '//cases', '/./cases', '/x/../cases', '/cases/']) {
      expect(limited('POST', path), path).toBe(true);
    }
    for (const path of ['/r%65view/abc', '/review//abc', '/review/abc/', '/cases/01J0/%65dit', '/cases/01J0/edit/', '/cases/01J0/c%6Fnfirm']) {
      expect(limited('POST', path), path).toBe(true);
      expect(limited('GET', path), path).toBe(true);
    }
    // Decoding never joins two segments into one: an encoded slash is a slash, as it is to the router.
    expect(limited('GET', '/cases/a%2Fb/edit')).toBe(false);
    expect(limited('GET', '/%6Detrics')).toBe(false);
  });

  it('turns API Gateway paths into anchored patterns of one segment per parameter, a trailing slash allowed', () => {
    expect(pathPattern('/cases/{id}/edit')).toBe('^/cases/[^/]+/edit/?$');
    expect(pathPattern('/catalog.csv')).toBe('^/catalog\\.csv/?$');
  });

  it('logs what WAF sees with the Authorization header redacted', () => {
    const logging = only(dev.edge, 'AWS::WAFv2::LoggingConfiguration');
    expect(logging.RedactedFields).toEqual(expect.arrayContaining([{ SingleHeader: { Name: 'authorization' } }]));
    const [group] = Object.values(dev.edge.findResources('AWS::Logs::LogGroup'));
    expect(group!.Properties.LogGroupName).toMatch(/^aws-waf-logs-/);
    expect(JSON.stringify(logging.LogDestinationConfigs)).not.toContain(':*');
  });

  it('creates a DNS-validated certificate for a stage with a domain, in us-east-1, and none without', () => {
    const domain = stageConfig('prod').domain!;
    expect(only(prod.edge, 'AWS::CertificateManager::Certificate')).toMatchObject({ DomainName: domain.name, ValidationMethod: 'DNS' });
    dev.edge.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });
});

describe('the distribution', () => {
  it('fronts the HTTP API over TLS 1.2 only, with the web ACL of the edge stack', () => {
    const config = distribution(dev.stateless);
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain('.execute-api.eu-south-1.');
    expect(JSON.stringify(config.WebACLId)).toMatch(/HubIntake-dev-Edge[\s\S]*FirewallWebAcl/);
  });

  it('caches nothing and forwards every viewer header but Host, with query strings (Authorization included)', () => {
    const behavior = distribution(dev.stateless).DefaultCacheBehavior;
    expect(behavior).toMatchObject({ CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER });
    expect(behavior.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'POST']));
    expect(distribution(dev.stateless).CacheBehaviors).toBeUndefined();
  });

  it('adds the origin secret from Secrets Manager, the same the API functions get', () => {
    const header = distribution(dev.stateless).Origins[0].OriginCustomHeaders;
    expect(header).toHaveLength(1);
    expect(header[0].HeaderName).toBe(ORIGIN_VERIFY_HEADER);
    const secretId = Object.keys(dev.stateless.findResources('AWS::SecretsManager::Secret')).find((id) => id.startsWith('OriginSecret'));
    const reference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] };
    expect(header[0].HeaderValue).toEqual(reference);
    expect(dev.stateless.findResources('AWS::SecretsManager::Secret')[secretId!]?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    const routed = new Set<string>(ROUTES.map((route) => route.fn));
    for (const name of Object.keys(dev.stacks.stateless.functions) as (keyof typeof dev.stacks.stateless.functions)[]) {
      const value = functionProps(dev.stateless, name).Environment.Variables.ORIGIN_VERIFY_SECRET;
      expect(value, name).toEqual(routed.has(name) ? reference : undefined);
    }
  });

  it('gives the challenge signing key, a secret of its own, to the functions that make or check challenges only', () => {
    const secrets = dev.stateless.findResources('AWS::SecretsManager::Secret');
    const secretId = Object.keys(secrets).find((id) => id.startsWith('ChallengeKey'));
    expect(secrets[secretId!]?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    const reference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] };
    for (const name of Object.keys(dev.stacks.stateless.functions) as (keyof typeof dev.stacks.stateless.functions)[]) {
      const value = functionProps(dev.stateless, name).Environment.Variables.CHALLENGE_HMAC_KEY;
      expect(value, name).toEqual(['serve-form', 'submit-case'].includes(name) ? reference : undefined);
    }
  });

  it('writes access logs to the bucket of the edge stack', () => {
    expect(distribution(dev.stateless).Logging).toMatchObject({ IncludeCookies: false, Prefix: 'dev/' });
    expect(JSON.stringify(distribution(dev.stateless).Logging.Bucket)).toContain('AccessLogs');
  });

  it('serves the prod domain with TLS 1.2 at least and gives it A and AAAA alias records', () => {
    const config = distribution(prod.stateless);
    const domain = stageConfig('prod').domain!;
    expect(config.Aliases).toEqual([domain.name]);
    expect(config.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    for (const type of ['A', 'AAAA']) {
      prod.stateless.hasResourceProperties('AWS::Route53::RecordSet', { Type: type, Name: `${domain.name}.`, HostedZoneId: domain.hostedZone!.id });
    }
    dev.stateless.resourceCountIs('AWS::Route53::RecordSet', 0);
  });

  it('is what every link points at: the domain in prod, the distribution itself elsewhere, never the API', () => {
    expect(functionProps(prod.stateless, 'submit-case').Environment.Variables.PUBLIC_BASE_URL).toBe(`https://${stageConfig('prod').domain!.name}`);
    const [distributionId] = Object.keys(dev.stateless.findResources('AWS::CloudFront::Distribution'));
    expect(functionProps(dev.stateless, 'submit-case').Environment.Variables.PUBLIC_BASE_URL).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]],
    });
  });
});

describe('a first deploy', () => {
  it('gives no retained resource a fixed physical name, so a second create never clashes with one left behind', () => {
    const NAME_PROPERTIES = ['TableName', 'BackupVaultName', 'BucketName', 'AliasName', 'KeyName', 'LogGroupName', 'Name', 'QueueName', 'TopicName'];
    for (const { edge, stateful, stateless } of [dev, prod]) {
      for (const template of [edge, stateful, stateless]) {
        const resources = template.toJSON().Resources as Resources;
        for (const [id, resource] of Object.entries(resources)) {
          if (resource.DeletionPolicy !== 'Retain') continue;
          for (const property of NAME_PROPERTIES) {
            const value = resource.Properties?.[property];
            if (value === undefined) continue;
            // A name is allowed only when it includes the stack's id, which is new on every create.
            expect(JSON.stringify(value), `${id}.${property}`).toContain('AWS::StackId');
          }
        }
      }
    }
  });

  it('names the backup vault after its stack and the stack’s id', () => {
    const vault = only(prod.stateful, 'AWS::Backup::BackupVault');
    expect(JSON.stringify(vault.BackupVaultName)).toContain('AWS::StackId');
    expect(JSON.stringify(vault.BackupVaultName)).toContain('-backups');
  });
});
