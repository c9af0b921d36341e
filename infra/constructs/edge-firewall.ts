import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EDGE_RATE_LIMIT, type EdgeRateLimit } from '../config/edge';

/**
 * The AWS managed rule groups of the web ACL, in the order they run (after the reputation list,
 * which costs least and drops the most, and the rate limit). Each blocks what its rules match,
 * except the rules listed in `counted`, which only count (and label) what they match.
 */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', counted: [] },
  {
    name: 'AWSManagedRulesCommonRuleSet',
    // SizeRestrictions_BODY blocks every body over 8 KB; a case submission or amendment may hold
    // up to 64 KB, which the functions enforce themselves (413 beyond). Counted, not excluded,
    // so that large bodies still show in the metrics and the logs with their label.
    counted: ['SizeRestrictions_BODY'],
  },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', counted: [] },
] as const;

/** The name of the rate-based rule. */
export const RATE_LIMIT_RULE = 'RateLimitPerAddress';

/**
 * `/cases/{id}/edit` → `^/cases/[^/]+/edit/?$`: one `{x}` is one path segment, as in API Gateway;
 * a trailing slash matches too, so that `/cases/` is counted as `/cases` wherever it is routed.
 */
export const pathPattern = (path: string): string =>
  `^${path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')}/?$`;

const NONE = [{ priority: 0, type: 'NONE' }];

/**
 * What WAF does to a path before the rate rule's patterns see it. API Gateway URL-decodes the
 * path before it matches a route, so `/%63ases` reaches submit-case: the rule must decode it too,
 * or an encoded path would go around the limit. NORMALIZE_PATH then folds repeated slashes and
 * `.`/`..` segments, as a client or a proxy may have sent them.
 */
export const PATH_TRANSFORMATIONS = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
];

/** A statement that matches requests on one of `limit.paths` (method and path). */
export function rateLimitScopeDown(limit: EdgeRateLimit = EDGE_RATE_LIMIT): CfnWebACL.StatementProperty {
  const statements = limit.paths.map(({ method, path }): CfnWebACL.StatementProperty => {
    const pathMatch: CfnWebACL.StatementProperty = {
      regexMatchStatement: { regexString: pathPattern(path), fieldToMatch: { uriPath: {} }, textTransformations: PATH_TRANSFORMATIONS },
    };
    if (method === '*') return pathMatch;
    const methodMatch: CfnWebACL.StatementProperty = {
      byteMatchStatement: { searchString: method, positionalConstraint: 'EXACTLY', fieldToMatch: { method: {} }, textTransformations: NONE },
    };
    return { andStatement: { statements: [methodMatch, pathMatch] } };
  });
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
}

/** Properties of an {@link EdgeFirewall}. */
export interface EdgeFirewallProps {
  /** Names the ACL and its metrics. */
  stage: string;
  /** The key that encrypts the log group (CloudWatch Logs in us-east-1 must be allowed to use it). */
  logEncryptionKey: IKey;
}

/**
 * The AWS WAF web ACL in front of the distribution (scope CLOUDFRONT, so it must be created in
 * us-east-1): the IP reputation list, a rate limit per client address on the routes that write
 * or mail ({@link EDGE_RATE_LIMIT}, answered 429 with `Retry-After`), then the common and the
 * known-bad-inputs rule groups. Every request it sees is logged to CloudWatch Logs.
 */
export class EdgeFirewall extends Construct {
  public readonly webAcl: CfnWebACL;
  /** Where WAF logs the requests it sees (authorization headers redacted). */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const metric = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `hub-intake-${props.stage}-${name}`,
      sampledRequestsEnabled: true,
    });
    const managed = MANAGED_RULE_GROUPS.map(
      (group): CfnWebACL.RuleProperty => ({
        name: group.name,
        priority: 0,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group.name,
            ...(group.counted.length ? { ruleActionOverrides: group.counted.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
          },
        },
        visibilityConfig: metric(group.name),
      }),
    );
    const rateLimit: CfnWebACL.RuleProperty = {
      name: RATE_LIMIT_RULE,
      priority: 0,
      action: {
        block: {
          customResponse: {
            responseCode: 429,
            customResponseBodyKey: 'too-many-requests',
            responseHeaders: [{ name: 'Retry-After', value: String(EDGE_RATE_LIMIT.windowSeconds) }],
          },
        },
      },
      statement: {
        rateBasedStatement: {
          limit: EDGE_RATE_LIMIT.requests,
          evaluationWindowSec: EDGE_RATE_LIMIT.windowSeconds,
          aggregateKeyType: 'IP',
          scopeDownStatement: rateLimitScopeDown(),
        },
      },
      visibilityConfig: metric(RATE_LIMIT_RULE),
    };
    const [reputation, ...others] = managed;
    const rules = [reputation!, rateLimit, ...others].map((rule, priority) => ({ ...rule, priority }));

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `hub-intake-${props.stage}`,
      description: `hub-intake ${props.stage}: abuse stopped at the edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('all'),
      customResponseBodies: {
        'too-many-requests': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: 'urn:hub-intake:problem:too-many-requests',
            title: 'Troppe richieste / Too many requests',
            status: 429,
            detail:
              `Troppe richieste da questo indirizzo: riprovare tra ${EDGE_RATE_LIMIT.windowSeconds / 60} minuti. / ` +
              `Too many requests from this address: try again in ${EDGE_RATE_LIMIT.windowSeconds / 60} minutes.`,
          }),
        },
      },
      rules,
    });

    // WAF logs to log groups whose name starts with aws-waf-logs-. Kept like the API's access logs.
    const logs = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-hub-intake-${props.stage}`,
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The group's ARN without the `:*` that CDK's logGroupArn ends with, which WAF refuses.
      logDestinationConfigs: [
        Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: logs.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      // The partners' API keys and the origin secret never reach the logs.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'x-origin-verify' } }],
    });
    this.logGroup = logs;
  }
}
