'use strict';

// Preloaded (`node -r`) into offline packaging runs with serverless-plugin-split-stacks: it asks
// CloudFormation for the resources of the deployed stack, and this answers as AWS does for a stack that
// was never deployed, without credentials or network.

const path = require('path');

const base = path.dirname(require.resolve('serverless-plugin-split-stacks/package.json'));
const { CloudFormationClient, ListStackResourcesCommand } = require(require.resolve('@aws-sdk/client-cloudformation', { paths: [base] }));

const send = CloudFormationClient.prototype.send;
CloudFormationClient.prototype.send = function sendOffline(command, ...rest) {
  if (command instanceof ListStackResourcesCommand) {
    return Promise.reject(new Error(`Stack with id ${command.input.StackName} does not exist`));
  }
  return send.call(this, command, ...rest);
};
