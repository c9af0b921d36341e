import { ManagedPolicy, Role, type AddToPrincipalPolicyResult, type PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * A role whose permissions live in one customer-managed policy of its own (`<role>/Policy`)
 * instead of an inline `DefaultPolicy`: every grant made to it (`table.grantReadData(role)`,
 * `fn.addToRolePolicy`, the statements CDK adds for tracing or logging) lands there. Managed
 * policies are versioned, can be listed and reviewed on their own, and are what HIPAA Security
 * (IAMNoInlinePolicy) asks for.
 */
export class ManagedPolicyRole extends Role {
  // `declare`: no field initialiser, which would run after Role's constructor and could reset it.
  declare private managedPolicy: ManagedPolicy | undefined;

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    // Created on the first grant: IAM refuses an empty policy.
    this.managedPolicy ??= new ManagedPolicy(this, 'Policy', { roles: [this] });
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
