'use strict';

// The IAM-relevant part of a compiled template: every role whole, each Lambda's Role and DependsOn,
// each event source mapping's FunctionName and DependsOn, each scheduler schedule's RoleArn.

function extractIam(template) {
  const out = { roles: {}, functions: {}, eventSourceMappings: {}, schedules: {} };
  const entries = Object.entries(template.Resources || {}).sort(([a], [b]) => a.localeCompare(b));
  for (const [id, r] of entries) {
    const p = r.Properties || {};
    if (r.Type === 'AWS::IAM::Role') out.roles[id] = r;
    else if (r.Type === 'AWS::Lambda::Function') out.functions[id] = { Role: p.Role, DependsOn: r.DependsOn };
    else if (r.Type === 'AWS::Lambda::EventSourceMapping') {
      out.eventSourceMappings[id] = { FunctionName: p.FunctionName, DependsOn: r.DependsOn };
    } else if (r.Type === 'AWS::Scheduler::Schedule') out.schedules[id] = { RoleArn: p.Target && p.Target.RoleArn };
  }
  return JSON.parse(JSON.stringify(out));
}

/** The template without what changes from run to run (artifact keys, deployment ids). */
function withoutNoise(template) {
  const text = JSON.stringify(template)
    .replace(/"S3Key":"[^"]*"/g, '"S3Key":"<artifact>"')
    .replace(/ApiGatewayDeployment\d+/g, 'ApiGatewayDeployment')
    .replace(/"CodeSha256":"[^"]*"/g, '"CodeSha256":"<sha>"')
    .replace(/LambdaVersion[A-Za-z0-9]+/g, 'LambdaVersion');
  return JSON.parse(text);
}

/** The template without its IAM-relevant parts, to check that nothing else changed. */
function withoutIam(template) {
  const t = withoutNoise(template);
  for (const [id, r] of Object.entries(t.Resources || {})) {
    if (r.Type === 'AWS::IAM::Role') delete t.Resources[id];
    else if (r.Type === 'AWS::Lambda::Function') {
      delete r.Properties.Role;
      delete r.DependsOn;
    } else if (r.Type === 'AWS::Lambda::EventSourceMapping') delete r.DependsOn;
    else if (r.Type === 'AWS::Scheduler::Schedule') delete r.Properties.Target.RoleArn;
  }
  return t;
}

function statementsOf(role) {
  return role.Properties.Policies ? role.Properties.Policies[0].PolicyDocument.Statement : [];
}

module.exports = { extractIam, withoutNoise, withoutIam, statementsOf };
