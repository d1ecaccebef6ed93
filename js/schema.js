'use strict';

// The configuration keys this plugin reads, registered with the framework's schema handler so that
// `configValidationMode: error` accepts them and reports typos.

// The framework's statement, or one that exists only under a condition (`Fn::If` with
// `AWS::NoValue`), which the engine accepts and checks branch by branch.
const conditionalStatement = {
  type: 'object',
  properties: { 'Fn::If': { type: 'array', minItems: 3, maxItems: 3 } },
  required: ['Fn::If'],
  additionalProperties: false,
};
const statements = { type: 'array', items: { anyOf: [{ $ref: '#/definitions/awsIamPolicyStatements/items' }, conditionalStatement] } };
// `iamRoleStatements:` with every item commented out is null, and still asks for a role of its own
const statementsOrNull = { anyOf: [statements, { type: 'null' }] };
const arn = { $ref: '#/definitions/awsArn' };

const functionRole = {
  type: 'object',
  properties: {
    name: { anyOf: [{ type: 'string' }, { type: 'object' }] },
    path: { type: 'string' },
    statements: statementsOrNull,
    managedPolicies: { type: 'array', items: arn },
    permissionsBoundary: arn,
    tags: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'object' }] } },
  },
  additionalProperties: false,
};

const functionProperties = {
  properties: {
    iam: {
      type: 'object',
      properties: { role: functionRole, inheritStatements: { type: 'boolean' } },
      additionalProperties: false,
    },
    iamRoleStatements: statementsOrNull,
    iamRoleStatementsInherit: { type: 'boolean' },
    iamRoleStatementsName: { anyOf: [{ type: 'string' }, { type: 'object' }] },
    iamPermissionsBoundary: arn,
  },
};

const customProperties = {
  properties: {
    iamSynth: {
      type: 'object',
      properties: {
        policySize: { enum: ['compact', 'split', 'error'] },
        stateWriter: { enum: ['fast', 'framework'] },
        resourceLimit: { enum: ['warn', 'error'] },
      },
      additionalProperties: false,
    },
    'serverless-iam-roles-per-function': {
      type: 'object',
      properties: {
        defaultInherit: { type: 'boolean' },
        iamGlobalPermissionsBoundary: arn,
      },
      additionalProperties: false,
    },
  },
};

/** `provider.iam.role.mode`: the framework's provider schema has no API to extend it, so the key is
 * added to the object branch of `provider.iam.role` when that schema is found. */
function registerMode(handler) {
  const provider = handler.schema && handler.schema.properties && handler.schema.properties.provider;
  const role = provider && provider.properties && provider.properties.iam && provider.properties.iam.properties.role;
  const branch = role && Array.isArray(role.anyOf) && role.anyOf.find((b) => b && b.type === 'object' && b.properties);
  if (branch && !branch.properties.mode) branch.properties.mode = { enum: ['shared', 'perFunction'] };
}

function register(serverless) {
  const handler = serverless.configSchemaHandler;
  if (!handler) return;
  if (handler.defineFunctionProperties) handler.defineFunctionProperties('aws', functionProperties);
  if (handler.defineCustomProperties) handler.defineCustomProperties(customProperties);
  registerMode(handler);
}

module.exports = { register };
