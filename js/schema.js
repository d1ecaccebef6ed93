'use strict';

// The configuration keys this plugin reads, registered with the framework's schema handler so that
// `configValidationMode: error` accepts them and reports typos.

const statements = { $ref: '#/definitions/awsIamPolicyStatements' };
const arn = { $ref: '#/definitions/awsArn' };

const functionRole = {
  type: 'object',
  properties: {
    name: { anyOf: [{ type: 'string' }, { type: 'object' }] },
    path: { type: 'string' },
    statements,
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
    iamRoleStatements: statements,
    iamRoleStatementsInherit: { type: 'boolean' },
    iamRoleStatementsName: { anyOf: [{ type: 'string' }, { type: 'object' }] },
    iamPermissionsBoundary: arn,
  },
};

const customProperties = {
  properties: {
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

function register(serverless) {
  const handler = serverless.configSchemaHandler;
  if (!handler) return;
  if (handler.defineFunctionProperties) handler.defineFunctionProperties('aws', functionProperties);
  if (handler.defineCustomProperties) handler.defineCustomProperties(customProperties);
}

module.exports = { register };
