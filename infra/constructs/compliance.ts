import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The shortest reason an acknowledgement may give; the compliance test holds every one to it. */
export const MIN_REASON_LENGTH = 40;

/**
 * Acknowledges one finding of the cdk-nag rule packs on `scope` (and everything under it).
 * `rule` is the finding's exact id, with the bracketed detail for rules that report several
 * findings per resource (`AwsSolutions-IAM5[Action::kms:GenerateDataKey*]`), so that any other
 * finding of the same rule still fails the synthesis. `reason` says why the finding stands and
 * which control makes up for it.
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`The acknowledgement of ${rule} on ${scope.node.path} needs a reason of ${MIN_REASON_LENGTH}+ characters`);
  }
  Validations.of(scope).acknowledge({ id: rule, reason });
}

/**
 * How cdk-nag names a resource's ARN in an IAM5 finding (`<TableCD117FA1.Arn>`), so that an
 * acknowledgement names the wildcard under exactly one resource.
 */
export function arnInFinding(resource: IConstruct): string {
  const cfn = resource.node.defaultChild as CfnElement | undefined;
  if (!cfn) throw new Error(`${resource.node.path} has no CloudFormation resource to name`);
  return `<${Stack.of(cfn).getLogicalId(cfn)}.Arn>`;
}
