#!/usr/bin/env python3
"""Deploy check: create a packaged template's IAM roles in moto and read them back.

Usage:
    deploy_check.py [--region REGION] [--stack-name NAME] TEMPLATE [TEMPLATE ...]

Each TEMPLATE is a compiled `cloudformation-template-update-stack.json`. For each one this script

1. derives a deployable sub-template (see `derive()`): every AWS::IAM::Role, plus what the roles
   and the Lambda functions need to be created in moto (functions with an inline `ZipFile`, their
   queues, tables, streams, topics, buckets, log groups, customer managed policies, and the event
   source mappings moto can wire up). Everything else is removed; a reference from a kept resource
   to a removed one is replaced by a placeholder ARN (the report lists the removed resources under
   `removed` and the placeholders under `placeholders`), and `DependsOn` entries pointing at removed
   resources are dropped. Roles that kept functions run under but the template does not create (an
   `arn:` string, Fn::Sub, Fn::ImportValue) are created first, empty, as they exist in a real account;
2. creates it as a CloudFormation stack with moto, in-process (`mock_aws`), in a fresh moto
   account, and asserts `CREATE_COMPLETE`;
3. applies each role's `ManagedPolicyArns` with iam:AttachRolePolicy (moto's CloudFormation
   model of AWS::IAM::Role ignores that property; the values are resolved by moto itself, through
   stack outputs);
4. reads every role back with boto3 IAM (get_role, list_attached_role_policies,
   list_role_policies + get_role_policy);
5. checks what AWS IAM enforces but moto's CloudFormation path skips (iam-behaviour.md §7 limits,
   moto's own IAM policy document validators);
6. prints a JSON report on stdout.

With one TEMPLATE the report is `{ok, roles: {logicalId: {...}}, resources, exports, removed, ...}`
and the exit code is 1 when `ok` is false (the error and the stack events are in the report and on
stderr). With several, stdout is `{"results": {TEMPLATE: report}}` and the exit code is 1 when any
report is not ok.

The region defaults to the one in `.serverless/serverless-state.json` next to the template, else
us-east-1. The account is moto's default, 123456789012.
"""

import argparse
import ast
import copy
import json
import os
import re
import sys
import time
import traceback
from urllib.parse import unquote

# moto can load its copy of every AWS managed policy (MOTO_IAM_LOAD_MANAGED_POLICIES) into every
# IAM backend it makes, which costs seconds per template; only the ones a role attaches are loaded
# instead (see `provide_aws_managed_policies`).
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
# moto needs credentials and a region to be set, never real ones.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ.pop("AWS_PROFILE", None)
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
import moto  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core.models import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam.aws_managed_policies import aws_managed_policies_data  # noqa: E402
from moto.iam.models import AWSManagedPolicy, iam_backends  # noqa: E402
from moto.iam.policy_validation import (  # noqa: E402
    IAMPolicyDocumentValidator,
    IAMTrustPolicyDocumentValidator,
)

ACCOUNT_ID = DEFAULT_ACCOUNT_ID

# Resource types the sub-template may hold: the roles, what runs under them, and what their
# statements and event source mappings point at. All have a CloudFormation model in moto.
KEEPABLE = {
    "AWS::IAM::Role",
    "AWS::IAM::ManagedPolicy",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::SQS::Queue",
    "AWS::DynamoDB::Table",
    "AWS::Kinesis::Stream",
    "AWS::SNS::Topic",
    "AWS::S3::Bucket",
    "AWS::Logs::LogGroup",
}
# Event sources moto's CreateEventSourceMapping can find (it looks the ARN up among its queues,
# DynamoDB streams and Kinesis streams).
ESM_SOURCES = {"AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::Kinesis::Stream"}
# Properties kept per type; the others are stripped (listed in the report). Roles, queues, tables,
# streams, topics and managed policies keep all of theirs.
KEEP_PROPS = {
    "AWS::Lambda::Function": {"FunctionName", "Handler", "Runtime", "Role", "MemorySize", "Timeout"},
    "AWS::Lambda::EventSourceMapping": {
        "EventSourceArn",
        "FunctionName",
        "BatchSize",
        "StartingPosition",
        "Enabled",
    },
    "AWS::S3::Bucket": {"BucketName", "Tags"},
    "AWS::Logs::LogGroup": {"LogGroupName", "RetentionInDays"},
}
STUB_CODE = "exports.main = async () => ({});\n"

PSEUDO = re.compile(r"^AWS::")
SUB_VAR = re.compile(r"\$\{(?!!)([^}]+)\}")


def placeholder(region, logical_id, attr=None, used=None):
    """The value a reference to a removed resource is replaced with (a syntactically valid ARN).

    `used`, when given, records it as {"LogicalId" or "LogicalId.Attr": value}."""
    key = f"{logical_id}.{attr}" if attr else logical_id
    value = f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:removed-by-deploy-check/{key}"
    if used is not None:
        used[key] = value
    return value


# ------------------------------------------------------------------------------------------------
# References


def getatt_parts(value):
    if isinstance(value, str):
        return value.split(".", 1)
    return [value[0], value[1]]


def references(node, out=None):
    """Logical ids (and GetAtt attributes) referenced by Ref, Fn::GetAtt and Fn::Sub in `node`.

    Returns a set of (logical_id, attribute-or-None)."""
    if out is None:
        out = set()
    if isinstance(node, dict):
        if len(node) == 1 and "Ref" in node and isinstance(node["Ref"], str):
            if not PSEUDO.match(node["Ref"]):
                out.add((node["Ref"], None))
            return out
        if len(node) == 1 and "Fn::GetAtt" in node:
            target, attr = getatt_parts(node["Fn::GetAtt"])
            out.add((target, attr))
            return out
        if len(node) == 1 and "Fn::Sub" in node:
            sub = node["Fn::Sub"]
            template, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})
            for name in SUB_VAR.findall(template):
                if name in variables or PSEUDO.match(name):
                    continue
                target, _, attr = name.partition(".")
                out.add((target, attr or None))
            references(variables, out)
            return out
        for v in node.values():
            references(v, out)
    elif isinstance(node, list):
        for v in node:
            references(v, out)
    return out


def replace_removed(node, removed, region, used):
    """`node` with every reference to a logical id in `removed` replaced by its placeholder."""
    if isinstance(node, dict):
        if len(node) == 1 and "Ref" in node and node["Ref"] in removed:
            return placeholder(region, node["Ref"], None, used)
        if len(node) == 1 and "Fn::GetAtt" in node:
            target, attr = getatt_parts(node["Fn::GetAtt"])
            if target in removed:
                return placeholder(region, target, attr, used)
        if len(node) == 1 and "Fn::Sub" in node:
            sub = node["Fn::Sub"]
            template, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, None)

            def repl(match):
                name = match.group(1)
                if variables and name in variables:
                    return match.group(0)
                target, _, attr = name.partition(".")
                if target in removed:
                    return placeholder(region, target, attr or None, used)
                return match.group(0)

            template = SUB_VAR.sub(repl, template)
            if variables is None:
                return {"Fn::Sub": template}
            return {"Fn::Sub": [template, replace_removed(variables, removed, region, used)]}
        return {k: replace_removed(v, removed, region, used) for k, v in node.items()}
    if isinstance(node, list):
        return [replace_removed(v, removed, region, used) for v in node]
    return node


def import_names(node, out=None):
    """Literal export names of every Fn::ImportValue in `node`."""
    if out is None:
        out = set()
    if isinstance(node, dict):
        if len(node) == 1 and "Fn::ImportValue" in node:
            name = node["Fn::ImportValue"]
            if not isinstance(name, str):
                raise ValueError(f"Fn::ImportValue of a computed name is not supported: {json.dumps(name)}")
            out.add(name)
            return out
        for v in node.values():
            import_names(v, out)
    elif isinstance(node, list):
        for v in node:
            import_names(v, out)
    return out


def depends_on_list(resource):
    d = resource.get("DependsOn")
    if d is None:
        return []
    return [d] if isinstance(d, str) else list(d)


# ------------------------------------------------------------------------------------------------
# The sub-template


def derive(template, region):
    """The deployable sub-template and what was done to get it (see the module docstring)."""
    resources = template.get("Resources", {})

    def keepable(logical_id):
        return resources[logical_id]["Type"] in KEEPABLE

    def esm_source(logical_id):
        """The kept-able resource an event source mapping reads from, or None."""
        arn = resources[logical_id].get("Properties", {}).get("EventSourceArn")
        refs = references(arn) if isinstance(arn, (dict, list)) else set()
        if len(refs) != 1:
            return None
        target, _ = next(iter(refs))
        if target in resources and resources[target]["Type"] in ESM_SOURCES:
            return target
        return None

    def esm_function(logical_id):
        fn = resources[logical_id].get("Properties", {}).get("FunctionName")
        refs = references(fn) if isinstance(fn, (dict, list)) else set()
        for target, _ in refs:
            if target in resources and resources[target]["Type"] == "AWS::Lambda::Function":
                return target
        return None

    roots = [
        k for k, r in resources.items() if r["Type"] in ("AWS::IAM::Role", "AWS::Lambda::Function")
    ]
    roots += [
        k
        for k, r in resources.items()
        if r["Type"] == "AWS::Lambda::EventSourceMapping" and esm_source(k) and esm_function(k)
    ]
    keep = set()
    stack = list(roots)
    while stack:
        k = stack.pop()
        if k in keep or not keepable(k):
            continue
        if resources[k]["Type"] == "AWS::Lambda::EventSourceMapping" and k not in roots:
            continue
        keep.add(k)
        # Only the properties that stay are followed (a function's Code bucket is not: the code is
        # replaced by an inline ZipFile below). DependsOn targets are followed too.
        r = resources[k]
        props = dict(r.get("Properties", {}))
        if r["Type"] in KEEP_PROPS:
            props = {p: v for p, v in props.items() if p in KEEP_PROPS[r["Type"]]}
        targets = {t for t, _ in references(props)} | set(depends_on_list(r))
        stack.extend(t for t in targets if t in resources)

    removed = {k: resources[k]["Type"] for k in resources if k not in keep}
    stripped = []
    placeholders = {}
    out_resources = {}
    for k in sorted(keep, key=list(resources).index):
        r = copy.deepcopy(resources[k])
        rtype = r["Type"]
        props = r.get("Properties", {})
        if rtype in KEEP_PROPS:
            for p in list(props):
                if p not in KEEP_PROPS[rtype] and not (rtype == "AWS::Lambda::Function" and p == "Code"):
                    stripped.append(f"{k}.{p}")
                    del props[p]
        if rtype == "AWS::Lambda::Function":
            if "Code" in props:
                stripped.append(f"{k}.Code (replaced by an inline ZipFile)")
            props["Code"] = {"ZipFile": STUB_CODE}
        r["Properties"] = replace_removed(props, removed, region, placeholders)
        deps = [d for d in depends_on_list(resources[k]) if d in keep]
        dropped = [d for d in depends_on_list(resources[k]) if d not in keep]
        if dropped:
            stripped.append(f"{k}.DependsOn {dropped}")
        if deps:
            r["DependsOn"] = deps
        else:
            r.pop("DependsOn", None)
        for attr in ("DeletionPolicy", "UpdateReplacePolicy", "Metadata"):
            r.pop(attr, None)
        if r.get("Condition"):
            raise ValueError(f"{k}: resource conditions are not supported by the deploy check")
        out_resources[k] = r

    sub = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": out_resources}
    for section in ("Mappings", "Conditions"):
        if template.get(section):
            sub[section] = copy.deepcopy(template[section])
    if template.get("Parameters"):
        raise ValueError("templates with Parameters are not supported by the deploy check")

    return sub, {"removed": removed, "stripped": stripped, "placeholders": placeholders}


def static_value(node, region, exports):
    """`node` resolved without a stack: literal strings, Fn::Sub/Fn::Join of pseudo parameters and
    literals, Fn::ImportValue through `exports`. None when it needs a stack resource."""
    pseudo = {
        "AWS::Partition": "aws",
        "AWS::Region": region,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::URLSuffix": "amazonaws.com",
    }
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and len(node) == 1:
        (fn, arg), = node.items()
        if fn == "Ref" and arg in pseudo:
            return pseudo[arg]
        if fn == "Fn::ImportValue" and isinstance(arg, str):
            return exports.get(arg)
        if fn == "Fn::Sub" and isinstance(arg, str):
            names = SUB_VAR.findall(arg)
            if all(n in pseudo for n in names):
                return SUB_VAR.sub(lambda m: pseudo[m.group(1)], arg)
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = [static_value(p, region, exports) for p in arg[1]]
            if all(isinstance(p, str) for p in parts):
                return arg[0].join(parts)
    return None


ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role(/(?:[^/]+/)*)?([^/]+)$")


def external_roles(sub, region, exports):
    """Roles a kept function runs under that the stack does not create: {arn: (path, name)}.

    moto's Lambda, like AWS, refuses a function whose role does not exist, so the deploy check creates
    these first (trusting lambda.amazonaws.com, with no policies); they are not part of the report's
    roles. A role of another account is an error (moto, like AWS, refuses cross-account roles)."""
    out = {}
    for k, r in sub["Resources"].items():
        if r["Type"] != "AWS::Lambda::Function":
            continue
        role = r["Properties"].get("Role")
        if isinstance(role, dict) and references(role):
            continue  # a role of this stack
        arn = static_value(role, region, exports)
        match = ROLE_ARN.match(arn or "")
        if not match:
            raise ValueError(f"{k}: cannot resolve its Role {json.dumps(role)} without a stack")
        if match.group(1) != ACCOUNT_ID:
            raise ValueError(f"{k}: role {arn} is in another account than moto's {ACCOUNT_ID}")
        out[arn] = (match.group(2) or "/", match.group(3))
    return out


# ------------------------------------------------------------------------------------------------
# Reading back


def read_attribute(clients, rtype, physical_id, attr):
    """A GetAtt value read back from the service API; None when there is no reader for it."""
    if rtype == "AWS::SQS::Queue":
        if attr == "Arn":
            return clients["sqs"].get_queue_attributes(QueueUrl=physical_id, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
        if attr == "QueueName":
            return physical_id.rstrip("/").rsplit("/", 1)[-1]
        if attr == "QueueUrl":
            return clients["sqs"].get_queue_url(QueueName=physical_id.rstrip("/").rsplit("/", 1)[-1])["QueueUrl"]
    if rtype == "AWS::DynamoDB::Table":
        table = clients["dynamodb"].describe_table(TableName=physical_id)["Table"]
        if attr == "Arn":
            return table["TableArn"]
        if attr == "StreamArn":
            return table.get("LatestStreamArn")
    if rtype == "AWS::Kinesis::Stream" and attr == "Arn":
        return clients["kinesis"].describe_stream_summary(StreamName=physical_id)["StreamDescriptionSummary"][
            "StreamARN"
        ]
    if rtype == "AWS::SNS::Topic":
        if attr == "TopicArn":
            return clients["sns"].get_topic_attributes(TopicArn=physical_id)["Attributes"]["TopicArn"]
        if attr == "TopicName":
            return physical_id.rsplit(":", 1)[-1]
    if rtype == "AWS::IAM::Role":
        role = clients["iam"].get_role(RoleName=physical_id)["Role"]
        if attr == "Arn":
            return role["Arn"]
        if attr == "RoleId":
            return role["RoleId"]
    if rtype == "AWS::IAM::ManagedPolicy" and attr == "PolicyArn":
        return clients["iam"].get_policy(PolicyArn=physical_id)["Policy"]["Arn"]
    if rtype == "AWS::Lambda::Function" and attr == "Arn":
        return clients["lambda"].get_function(FunctionName=physical_id)["Configuration"]["FunctionArn"]
    if rtype == "AWS::S3::Bucket":
        clients["s3"].head_bucket(Bucket=physical_id)
        if attr == "Arn":
            return f"arn:aws:s3:::{physical_id}"
        if attr == "DomainName":
            return f"{physical_id}.s3.amazonaws.com"
    if rtype == "AWS::Logs::LogGroup" and attr == "Arn":
        groups = clients["logs"].describe_log_groups(logGroupNamePrefix=physical_id)["logGroups"]
        for g in groups:
            if g["logGroupName"] == physical_id:
                return g["arn"]
    return None


_AWS_MANAGED = None
AWS_POLICY_ARN = re.compile(r"^arn:aws:iam::aws:policy(/(?:[^/]+/)*)([^/]+)$")


def provide_aws_managed_policies(arns, region):
    """Adds the AWS managed policies among `arns` that moto knows (its copy of AWS's list) to moto's
    IAM backend, so that AttachRolePolicy finds them; an unknown one stays missing and fails there,
    as it would in AWS."""
    global _AWS_MANAGED
    if _AWS_MANAGED is None:
        _AWS_MANAGED = json.loads(aws_managed_policies_data)
    backend = iam_backends[ACCOUNT_ID]["aws"]
    for arn in arns:
        match = AWS_POLICY_ARN.match(arn or "")
        if not match or arn in backend.managed_policies:
            continue
        data = _AWS_MANAGED.get(match.group(2))
        if data and data.get("Path") == match.group(1):
            policy = AWSManagedPolicy.from_data(match.group(2), ACCOUNT_ID, region, data)
            backend.aws_managed_policies.append(policy)
            backend.managed_policies[policy.arn] = policy


def compact_len(document):
    """Characters of a policy document as IAM counts them: JSON without whitespace."""
    text = document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))
    return len(re.sub(r"\s", "", text))


ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
ROLE_PATH = re.compile(r"^(/|/[\x21-\x7E]+/)$")
POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def aws_limit_violations(role):
    """What AWS IAM would reject for a role read back (iam-behaviour.md §7) and moto does not."""
    problems = []
    if not ROLE_NAME.match(role["physicalName"]):
        problems.append(
            f"role name {role['physicalName']!r} ({len(role['physicalName'])} characters) is not 1-64 "
            "characters of [A-Za-z0-9+=,.@_-]"
        )
    if len(role["path"]) > 512 or not ROLE_PATH.match(role["path"]):
        problems.append(f"role path {role['path']!r} is not `/` or `/.../` of at most 512 characters")
    trust_len = compact_len(role["trust"])
    if trust_len > 2048:
        problems.append(f"trust policy is {trust_len} characters (limit 2048)")
    try:
        IAMTrustPolicyDocumentValidator(json.dumps(role["trust"])).validate()
    except Exception as e:  # moto raises its own MalformedPolicyDocument
        problems.append(f"trust policy rejected by IAM validation: {getattr(e, 'message', e)}")
    total = 0
    for p in role["inline"]:
        if not POLICY_NAME.match(p["name"]):
            problems.append(f"inline policy name {p['name']!r} is not 1-128 characters of [A-Za-z0-9+=,.@_-]")
        total += compact_len(p["document"])
        try:
            IAMPolicyDocumentValidator(json.dumps(p["document"])).validate()
        except Exception as e:
            problems.append(f"inline policy {p['name']!r} rejected by IAM validation: {getattr(e, 'message', e)}")
    if total > 10240:
        problems.append(f"inline policies total {total} characters without whitespace (limit 10240)")
    if len(role["managed"]) > 10:
        problems.append(f"{len(role['managed'])} managed policies attached (default quota 10)")
    return problems


def parse_document(doc):
    """A policy document as boto3 returned it.

    boto3 gives a dict for a JSON document. moto 5.2.5's CloudFormation model of AWS::IAM::Role
    stores each inline `PolicyDocument` as the Python dict it parsed instead of as JSON, so
    GetRolePolicy returns that dict's Python repr; it is read back with `ast.literal_eval` (the
    repr of a dict of strings, lists and dicts is a Python literal, so nothing is lost)."""
    if not isinstance(doc, str):
        return doc
    try:
        return json.loads(doc)
    except ValueError:
        pass
    try:
        return json.loads(unquote(doc))
    except ValueError:
        return ast.literal_eval(doc)


def stack_events(cfn, stack_name):
    try:
        events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    except Exception as e:  # the stack may not exist at all
        return [f"(no stack events: {e})"]
    return [
        {
            "LogicalResourceId": e.get("LogicalResourceId"),
            "ResourceType": e.get("ResourceType"),
            "ResourceStatus": e.get("ResourceStatus"),
            "ResourceStatusReason": e.get("ResourceStatusReason"),
        }
        for e in reversed(events)
    ]


def service_info(template_path):
    state = os.path.join(os.path.dirname(os.path.abspath(template_path)), "serverless-state.json")
    try:
        with open(state) as f:
            svc = json.load(f)["service"]
        provider = svc.get("provider", {})
        return svc.get("service"), provider.get("stage"), provider.get("region")
    except (OSError, ValueError, KeyError):
        return None, None, None


def check(template_path, region=None, stack_name=None):
    with open(template_path) as f:
        template = json.load(f)
    service, stage, state_region = service_info(template_path)
    region = region or state_region or "us-east-1"
    stack_name = stack_name or (f"{service}-{stage}" if service and stage else "deploy-check")
    report = {
        "ok": False,
        "template": os.path.abspath(template_path),
        "moto": moto.__version__,
        "region": region,
        "accountId": ACCOUNT_ID,
        "stackName": stack_name,
    }
    sub, derived = derive(template, region)
    report.update(derived)
    report["kept"] = {k: r["Type"] for k, r in sub["Resources"].items()}

    # Role ManagedPolicyArns, resolved by moto through outputs; then attached by us.
    outputs = {}
    for k, r in sub["Resources"].items():
        if r["Type"] == "AWS::IAM::Role":
            for i, arn in enumerate(r.get("Properties", {}).get("ManagedPolicyArns", []) or []):
                outputs[f"DeployCheckManaged{len(outputs)}"] = {"role": k, "index": i, "value": arn}
    # Every attribute referenced in the sub-template, also as an output: the value moto resolved is
    # the fallback for an attribute read_attribute cannot read back from the service.
    wanted = {}
    for r in sub["Resources"].values():
        for target, attr in references(r.get("Properties", {})):
            if attr and target in sub["Resources"]:
                wanted.setdefault(target, set()).add(attr)
    attribute_outputs = {}
    for target in sorted(wanted):
        for attr in sorted(wanted[target]):
            attribute_outputs[(target, attr)] = f"DeployCheckAttribute{len(attribute_outputs)}"
    if outputs or attribute_outputs:
        sub["Outputs"] = {key: {"Value": o["value"]} for key, o in outputs.items()}
        for (target, attr), key in attribute_outputs.items():
            sub["Outputs"][key] = {"Value": {"Fn::GetAtt": [target, attr]}}

    imports = sorted(import_names(sub["Resources"]))
    with mock_aws():
        session = boto3.Session(region_name=region)
        clients = {
            name: session.client(name)
            for name in ("cloudformation", "iam", "sqs", "dynamodb", "kinesis", "sns", "lambda", "s3", "logs")
        }
        cfn = clients["cloudformation"]
        # Fn::ImportValue: a stack that exports a placeholder for every imported name. The
        # placeholder is a role ARN (what functions import in these services); a function running
        # under it gets that role created below, like any role from outside the stack.
        exports = {}
        if imports:
            for name in imports:
                safe = re.sub(r"[^A-Za-z0-9+=,.@_-]", "-", name)
                exports[name] = f"arn:aws:iam::{ACCOUNT_ID}:role/imported/{safe}"
            export_stack = {
                "Resources": {"Nothing": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {
                    f"Export{i}": {"Value": value, "Export": {"Name": name}}
                    for i, (name, value) in enumerate(exports.items())
                },
            }
            cfn.create_stack(StackName=f"{stack_name}-exports", TemplateBody=json.dumps(export_stack))
        report["exports"] = exports
        report["subTemplate"] = sub
        external = external_roles(sub, region, exports)
        for arn, (path, name) in sorted(external.items()):
            clients["iam"].create_role(
                RoleName=name,
                Path=path,
                AssumeRolePolicyDocument=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                ),
            )
        report["externalRoles"] = sorted(external)

        try:
            cfn.create_stack(StackName=stack_name, TemplateBody=json.dumps(sub), Capabilities=["CAPABILITY_NAMED_IAM"])
            status = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"]
        except Exception as e:
            report["error"] = f"stack creation failed: {type(e).__name__}: {e}"
            report["traceback"] = traceback.format_exc()
            report["events"] = stack_events(cfn, stack_name)
            return report
        report["stackStatus"] = status
        if status != "CREATE_COMPLETE":
            report["error"] = f"stack status {status}, expected CREATE_COMPLETE"
            report["events"] = stack_events(cfn, stack_name)
            return report

        stack_resources = cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
        physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in stack_resources}
        missing = [k for k in sub["Resources"] if k not in physical]
        if missing:
            report["error"] = f"resources missing from the created stack: {missing}"
            report["events"] = stack_events(cfn, stack_name)
            return report

        stack_outputs = {
            o["OutputKey"]: o["OutputValue"]
            for o in cfn.describe_stacks(StackName=stack_name)["Stacks"][0].get("Outputs", [])
        }

        # Attributes referenced anywhere in the sub-template, read back from the services (or, for
        # an attribute without a reader, as moto resolved it: listed under attributesFromOutputs).
        resources_out = {}
        from_outputs = []
        for k, r in sub["Resources"].items():
            entry = {"type": r["Type"], "physicalId": physical[k], "attributes": {}}
            for attr in sorted(wanted.get(k, ())):
                value = read_attribute(clients, r["Type"], physical[k], attr)
                if value is None:
                    value = stack_outputs.get(attribute_outputs[(k, attr)])
                    from_outputs.append(f"{k}.{attr}")
                if value is None:
                    report["error"] = f"attribute {k}.{attr} could not be read back"
                    return report
                entry["attributes"][attr] = value
            resources_out[k] = entry
        report["resources"] = resources_out
        report["attributesFromOutputs"] = from_outputs

        # ManagedPolicyArns, as moto resolved them, attached the way CloudFormation would.
        attach_errors = []
        provide_aws_managed_policies([stack_outputs.get(key) for key in outputs], region)
        for key, o in outputs.items():
            role_name = physical[o["role"]]
            arn = stack_outputs.get(key)
            try:
                clients["iam"].attach_role_policy(RoleName=role_name, PolicyArn=arn)
            except Exception as e:
                attach_errors.append(f"{o['role']}: AttachRolePolicy {arn}: {e}")
        if attach_errors:
            report["error"] = "managed policies could not be attached: " + "; ".join(attach_errors)
            return report

        roles = {}
        violations = {}
        iam = clients["iam"]
        for k, r in sub["Resources"].items():
            if r["Type"] != "AWS::IAM::Role":
                continue
            name = physical[k]
            got = iam.get_role(RoleName=name)["Role"]
            inline = []
            for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                doc = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
                inline.append({"name": policy_name, "document": parse_document(doc)})
            managed = [
                p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            ]
            role = {
                "physicalName": got["RoleName"],
                "arn": got["Arn"],
                "path": got["Path"],
                "trust": parse_document(got["AssumeRolePolicyDocument"]),
                "inline": inline,
                "managed": managed,
                "boundary": (got.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
                "tags": got.get("Tags", []),
            }
            roles[k] = role
            problems = aws_limit_violations(role)
            if problems:
                violations[k] = problems
        report["roles"] = roles
        # The role each function was created with, as Lambda reports it.
        report["functions"] = {
            k: {
                "name": physical[k],
                "role": clients["lambda"].get_function(FunctionName=physical[k])["Configuration"]["Role"],
            }
            for k, r in sub["Resources"].items()
            if r["Type"] == "AWS::Lambda::Function"
        }
        report["violations"] = violations
        if violations:
            report["error"] = "roles AWS IAM would reject: " + json.dumps(violations)
            return report
    report["ok"] = True
    return report


def safe_check(path, region, stack_name):
    started = time.time()
    try:
        report = check(path, region, stack_name)
    except Exception as e:
        report = {
            "ok": False,
            "template": os.path.abspath(path),
            "moto": moto.__version__,
            "error": f"{type(e).__name__}: {e}",
            "traceback": traceback.format_exc(),
        }
    report["seconds"] = round(time.time() - started, 2)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("templates", nargs="+")
    parser.add_argument("--region", help="stack region (default: the packaged service's region)")
    parser.add_argument("--stack-name", help="stack name (default: <service>-<stage>)")
    args = parser.parse_args(argv)
    reports = {path: safe_check(path, args.region, args.stack_name) for path in args.templates}
    failed = [r for r in reports.values() if not r["ok"]]
    for r in failed:
        print(f"deploy check failed for {r['template']}: {r['error']}", file=sys.stderr)
        if r.get("events"):
            print(json.dumps(r["events"], indent=1), file=sys.stderr)
        if r.get("traceback"):
            print(r["traceback"], file=sys.stderr)
    if len(args.templates) == 1:
        json.dump(next(iter(reports.values())), sys.stdout, indent=1, default=str)
    else:
        json.dump({"results": reports}, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
