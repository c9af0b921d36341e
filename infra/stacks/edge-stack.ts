import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { acknowledge } from '../constructs/compliance';
import { EdgeFirewall } from '../constructs/edge-firewall';
import { logsKey } from '../constructs/logs-key';

/** Properties of the {@link EdgeStack}. */
export interface EdgeStackProps extends StackProps {
  config: StageConfig;
}

/** How long the distribution's access logs are kept. */
export const ACCESS_LOG_DAYS = 90;

/**
 * What CloudFront needs from us-east-1, where AWS WAF keeps web ACLs of scope CLOUDFRONT and ACM
 * the certificates CloudFront serves: the web ACL, the stage's certificate, and the bucket of the
 * distribution's access logs (CloudFront delivers no standard logs to buckets in eu-south-1). The
 * distribution itself is in the stateless stack, next to the API it fronts, and reads these
 * through CDK's cross-region references.
 */
export class EdgeStack extends Stack {
  public readonly firewall: EdgeFirewall;
  /** The stage's certificate, when it has a domain. */
  public readonly certificate?: ICertificate;
  public readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config: cfg } = props;

    this.firewall = new EdgeFirewall(this, 'Firewall', {
      stage: cfg.stage,
      logEncryptionKey: logsKey(this, 'LogsKey', 'hub-intake edge log groups (AWS WAF)'),
    });

    if (cfg.domain) {
      const { name, hostedZone } = cfg.domain;
      const zone = hostedZone && HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: hostedZone.id, zoneName: hostedZone.name });
      this.certificate = new Certificate(this, 'Certificate', {
        domainName: name,
        // With the zone, CloudFormation adds the validation record itself; without it, the deploy
        // waits until the record it shows in the stack's events is added to the domain's DNS.
        validation: CertificateValidation.fromDns(zone),
      });
    }

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // CloudFront's standard logs are written with an ACL that the bucket owner must be able to own.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(ACCESS_LOG_DAYS), noncurrentVersionExpiration: Duration.days(1) }],
      // Logs of who called the API: kept when the stack goes, for an investigation. No fixed name,
      // so a new stack never clashes with a bucket left behind.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.accessLogs,
      'AwsSolutions-S1',
      'This bucket holds the access logs of the distribution; logging the accesses to it into another bucket would ' +
        'only move the question. Compensating controls: public access is blocked, only TLS requests are allowed, ' +
        'CloudTrail records the management calls on it, and objects expire after 90 days.',
    );
    acknowledge(
      this.accessLogs,
      'HIPAA.Security-S3BucketLoggingEnabled',
      'This bucket holds the access logs of the distribution itself (see AwsSolutions-S1). Compensating controls: ' +
        'public access blocked, TLS only, versioned, objects expire after 90 days.',
    );
    acknowledge(
      this.accessLogs,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Access logs are operational records kept 90 days for investigations, not case data; a replica would double ' +
        'their exposure for no recovery need. Compensating controls: versioning, retained on stack deletion, public ' +
        'access blocked.',
    );
    acknowledge(
      this.accessLogs,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'CloudFront standard logging writes with the log delivery account, which cannot use a customer-managed key ' +
        'unless its key policy is opened to that account; the logs are encrypted at rest with S3-managed keys instead. ' +
        'Compensating controls: public access blocked, TLS only, no case data in the logs; the query strings, which ' +
        'carry link tokens, are readable only by principals of this account that IAM lets read the bucket.',
    );
  }
}
