"""The web client's edge: a private S3 bucket behind CloudFront (origin access control), ``/api/*``
routed to the API Gateway stage, and a WAFv2 web ACL in front of the API.

* The bucket blocks all public access and accepts reads only from this distribution (OAC, SigV4;
  bucket policy with ``AWS:SourceArn``), and only over TLS. ``make deploy`` uploads ``web/``.
* ``/api/*`` goes to the regional API endpoint (stage ``api``, so ``/api/me`` is the route
  ``/me``): no caching, every viewer header but ``Host`` forwarded (``Authorization`` included,
  which CloudFront allows when caching is off), with CloudFront's viewer headers, among them
  ``CloudFront-Viewer-Address`` (the managed policy ``AllViewerExceptHostHeader``). CloudFront
  adds the origin secret (a Secrets Manager secret the stack generates) in
  ``X-Kizuna-Origin-Secret``; the API trusts the viewer address only on a request that carries it
  (``chalicelib.http.source_ip``), so login throttling counts viewers, not edge servers. The web
  ACL does not require the header: see infra/README.md.
* The web ACL is ``REGIONAL`` and associated with the API stage, not ``CLOUDFRONT``: a
  CloudFront-scoped ACL can only be created in us-east-1, and this stack lives in the app's
  region. It also covers requests sent straight to ``execute-api``. Its rules: the AWS managed
  IP reputation list, common rule set (body size rule counted, not blocking: diaries may be long)
  and known bad inputs, and rate limits on ``/auth/*`` per viewer IP (CloudFront's
  ``X-Forwarded-For``) and per connecting IP.
"""

from __future__ import annotations

from typing import Any

from chalicelib.http import ORIGIN_SECRET_HEADER
from infra.template import API_LOGICAL_ID_REST, API_STAGE_NAME, ORIGIN_SECRET_LOGICAL_ID, Stage

BUCKET = "WebBucket"
DISTRIBUTION = "WebDistribution"
WEB_ACL = "ApiWebAcl"
#: Length of the generated origin secret (letters and digits: a valid header value as it is).
ORIGIN_SECRET_LENGTH = 64

# AWS managed CloudFront policies (fixed ids, the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"

#: (rule group, rules to count instead of block)
MANAGED_RULE_GROUPS: list[tuple[str, list[str]]] = [
    ("AWSManagedRulesAmazonIpReputationList", []),
    ("AWSManagedRulesCommonRuleSet", ["SizeRestrictions_BODY"]),
    ("AWSManagedRulesKnownBadInputsRuleSet", []),
]
#: The login and signup routes, as WAF sees the path (with or without the stage prefix).
AUTH_PATHS = ["/auth/", f"/{API_STAGE_NAME}/auth/"]


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _auth_paths() -> dict[str, Any]:
    matches = [
        {
            "ByteMatchStatement": {
                "SearchString": path,
                "FieldToMatch": {"UriPath": {}},
                "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
                "PositionalConstraint": "STARTS_WITH",
            }
        }
        for path in AUTH_PATHS
    ]
    return {"OrStatement": {"Statements": matches}}


def web_acl_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = [
        {
            "Name": "AuthRateLimitPerViewer",
            "Priority": 0,
            "Action": {"Block": {}},
            "Statement": {
                "RateBasedStatement": {
                    "Limit": {"Ref": "AuthRateLimit"},
                    "EvaluationWindowSec": 300,
                    "AggregateKeyType": "FORWARDED_IP",
                    "ForwardedIPConfig": {"HeaderName": "X-Forwarded-For", "FallbackBehavior": "MATCH"},
                    "ScopeDownStatement": _auth_paths(),
                }
            },
            "VisibilityConfig": _visibility("AuthRateLimitPerViewer"),
        },
        {
            # X-Forwarded-For can be forged by the client: a looser limit on the connecting IP backs it up.
            "Name": "AuthRateLimitPerConnection",
            "Priority": 1,
            "Action": {"Block": {}},
            "Statement": {
                "RateBasedStatement": {
                    "Limit": {"Ref": "AuthRateLimitPerConnection"},
                    "EvaluationWindowSec": 300,
                    "AggregateKeyType": "IP",
                    "ScopeDownStatement": _auth_paths(),
                }
            },
            "VisibilityConfig": _visibility("AuthRateLimitPerConnection"),
        },
    ]
    for priority, (group, counted) in enumerate(MANAGED_RULE_GROUPS, start=len(rules)):
        statement: dict[str, Any] = {"VendorName": "AWS", "Name": group}
        if counted:
            statement["RuleActionOverrides"] = [{"Name": r, "ActionToUse": {"Count": {}}} for r in counted]
        rules.append(
            {
                "Name": group,
                "Priority": priority,
                "OverrideAction": {"None": {}},
                "Statement": {"ManagedRuleGroupStatement": statement},
                "VisibilityConfig": _visibility(group),
            }
        )
    return rules


def origin_secret_value() -> dict[str, Any]:
    """The origin secret's value, resolved by CloudFormation at deploy time (never in the template)."""
    return {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": ORIGIN_SECRET_LOGICAL_ID}, ":SecretString}}"]]}


def resources(stage: Stage) -> dict[str, Any]:
    name = f"{stage.app_name}-{stage.name}"
    api_origin = {"Fn::Sub": f"${{{API_LOGICAL_ID_REST}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}"}
    return {
        ORIGIN_SECRET_LOGICAL_ID: {
            "Type": "AWS::SecretsManager::Secret",
            # Generated by the stack, so it never passes through a person or a file; a new stack (or
            # a replaced secret) simply brings a new value to CloudFront and to the API alike.
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "Name": stage.origin_secret_name,
                "Description": f"{name}: CloudFront sends it to the API in {ORIGIN_SECRET_HEADER}; "
                "the API then believes CloudFront-Viewer-Address",
                "GenerateSecretString": {"PasswordLength": ORIGIN_SECRET_LENGTH, "ExcludePunctuation": True},
                "Tags": [{"Key": "app", "Value": stage.app_name}, {"Key": "stage", "Value": stage.name}],
            },
        },
        BUCKET: {
            "Type": "AWS::S3::Bucket",
            # The client is rebuilt from web/ by every deploy; kept on delete like the data, but a
            # rolled-back first create removes it.
            "DeletionPolicy": stage.retention_policy,
            "UpdateReplacePolicy": stage.replace_policy,
            "Properties": {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
                "Tags": [{"Key": "app", "Value": stage.app_name}, {"Key": "stage", "Value": stage.name}],
            },
        },
        "WebBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": BUCKET},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudFrontReads",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": {"Fn::Sub": f"${{{BUCKET}.Arn}}/*"},
                            "Condition": {
                                "StringEquals": {
                                    "AWS:SourceArn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
                                        f"distribution/${{{DISTRIBUTION}}}"
                                    }
                                }
                            },
                        },
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [{"Fn::GetAtt": [BUCKET, "Arn"]}, {"Fn::Sub": f"${{{BUCKET}.Arn}}/*"}],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        },
        "WebOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": f"{name}-web",
                    "Description": "CloudFront reads the web client from the private bucket",
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        DISTRIBUTION: {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Comment": f"{name}: web client and /api/*",
                    "Enabled": True,
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": True,
                    "PriceClass": "PriceClass_200",
                    "DefaultRootObject": "index.html",
                    "Origins": [
                        {
                            "Id": "web",
                            "DomainName": {"Fn::GetAtt": [BUCKET, "RegionalDomainName"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                            "OriginAccessControlId": {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]},
                        },
                        {
                            "Id": "api",
                            "DomainName": api_origin,
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                            # Replaces any header of that name a viewer sends: proof of the way in.
                            "OriginCustomHeaders": [
                                {"HeaderName": ORIGIN_SECRET_HEADER, "HeaderValue": origin_secret_value()}
                            ],
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "web",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "AllowedMethods": ["GET", "HEAD"],
                        "CachedMethods": ["GET", "HEAD"],
                        "Compress": True,
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "ResponseHeadersPolicyId": SECURITY_HEADERS,
                    },
                    "CacheBehaviors": [
                        {
                            "PathPattern": f"/{API_STAGE_NAME}/*",
                            "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachedMethods": ["GET", "HEAD"],
                            "Compress": True,
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                        }
                    ],
                },
                "Tags": [{"Key": "app", "Value": stage.app_name}, {"Key": "stage", "Value": stage.name}],
            },
        },
        WEB_ACL: {
            "Type": "AWS::WAFv2::WebACL",
            "Properties": {
                "Name": f"{name}-api",
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "Rules": web_acl_rules(),
                "VisibilityConfig": _visibility(f"{name}-api"),
            },
        },
        "ApiWebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            # SAM names the stage of RestAPI's StageName "api" RestAPIapiStage.
            "DependsOn": [f"{API_LOGICAL_ID_REST}{API_STAGE_NAME}Stage"],
            "Properties": {
                "ResourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/"
                    f"${{{API_LOGICAL_ID_REST}}}/stages/{API_STAGE_NAME}"
                },
                "WebACLArn": {"Fn::GetAtt": [WEB_ACL, "Arn"]},
            },
        },
    }


def outputs() -> dict[str, Any]:
    return {
        "WebUrl": {"Value": {"Fn::Sub": f"https://${{{DISTRIBUTION}.DomainName}}/"}},
        "WebBucketName": {"Value": {"Ref": BUCKET}},
        "WebDistributionId": {"Value": {"Ref": DISTRIBUTION}},
        "ApiWebAclArn": {"Value": {"Fn::GetAtt": [WEB_ACL, "Arn"]}},
    }
