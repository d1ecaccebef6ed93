// The JSON that crosses the boundary between the plugin (js/) and the engine (src/), as TypeScript
// types. The engine's serde types are the source (src/plan.rs, src/reconcile.rs, src/check.rs,
// src/report/mod.rs, src/error.rs, src/model.rs); __test__/contract.test.js checks every answer of the
// engine on the test services against these interfaces, and `npm test` type-checks js/ with them (tsc).

/** An error or warning: a stable code, the config path, what is wrong and how to fix it. */
export interface Diagnostic {
  code: string;
  path: string;
  message: string;
  hint: string;
}

/** A CloudFormation resource as the template holds it. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

/** What the plugin copies of the service (js/project.js), by the keys `contract()` names. */
export interface Projection {
  service: string;
  stage: string;
  region: string;
  provider: Record<string, unknown>;
  functions: Record<string, Record<string, unknown> | null>;
  custom: Record<string, unknown>;
  /** The provider IAM lists' lengths when the plugin was constructed. */
  configured?: Record<string, number>;
  resources?: { Resources?: Record<string, unknown>; Outputs?: Record<string, unknown> };
  /** What the compiled template says, which the engine trusts over the configuration. */
  compiled?: { logGroups?: Record<string, unknown>; tracing?: Record<string, boolean> };
}

/** `contract()`: the projection's keys, the provider lists to measure, the shared role's id. */
export interface Contract {
  providerKeys: string[];
  functionKeys: string[];
  customKeys: string[];
  providerLists: string[];
  sharedRoleId: string;
}

export type RoleSource = 'shared' | 'dedicated' | 'custom';

export interface FunctionPlan {
  lambdaLogicalId: string;
  roleSource: RoleSource;
  /** The Lambda's `Properties.Role`. */
  role: unknown;
  /** The role resource its Lambda and event source mappings depend on, if in this stack. */
  roleResource: string | null;
  /** The role resource Serverless 3.40.0 makes its event source mappings depend on. */
  frameworkRoleResource: string | null;
  dependsOn: { prepend: string[] };
  /** Managed policies split off its role. */
  policyResources?: string[];
}

export interface RoleDoc {
  principals: string[];
  statements: unknown[];
  managedPolicies: unknown[];
}

export interface ResourceBudget {
  added: number;
  strictness: 'warn' | 'error';
}

export interface Summary {
  line: string;
  roles: string[];
}

/** `synthesize()`. */
export interface Plan {
  roles: Record<string, CfnResource>;
  removeRoles: string[];
  functions: Record<string, FunctionPlan>;
  frameworkSharedRole: RoleDoc | null;
  warnings: Diagnostic[];
  managedPolicies?: Record<string, CfnResource>;
  assumedLogGroups?: Record<string, unknown>;
  assumedTracing?: Record<string, boolean>;
  resourceBudget: ResourceBudget;
  summary: Summary;
}

/** `reconcile()`'s request: what reconciliation reads of the plan and of the compiled template. */
export interface ReconcileRequest {
  plan: Pick<Plan, 'roles' | 'removeRoles' | 'functions' | 'frameworkSharedRole'>;
  sharedRole: CfnResource | null;
  resources: Record<string, CfnResource>;
}

/** `reconcile()`. */
export interface Reconciled {
  roles: Record<string, CfnResource>;
  removeRoles: string[];
  /** Per resource: the `DependsOn` to set, or the schedule target's `RoleArn`. */
  patches: Record<string, { DependsOn?: string[]; RoleArn?: unknown }>;
  warnings: Diagnostic[];
}

/** `checkTemplate()`'s request. */
export interface TemplateCheck {
  resourceCount: number;
  budget: ResourceBudget;
  sharedRole?: { reconciled: CfnResource; now: CfnResource; dedicated: string[] };
}

/** `checkTemplate()`. */
export interface Checked {
  warnings: Diagnostic[];
}

export interface ReportOptions {
  function?: string;
  json?: boolean;
  color?: boolean;
  width?: number;
}

/** `report()`. */
export interface ReportOutput {
  output: string;
  findings: number;
}
