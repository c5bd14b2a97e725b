"""What Karpenter needs in AWS besides its controller: the interruption queue and the rules that feed
it, and an instance profile of the cluster's node role for the nodes it launches.

The controller itself (chart, IAM role, EC2NodeClass and NodePools) is the ``karpenter`` add-on
(:mod:`constructs_lib.platform.addons.karpenter`); it reads this construct's :class:`KarpenterNodes`.

Access: Karpenter's nodes join with the cluster's node role, the role of the managed SYSTEM node
group. EKS gives that role an ``EC2_LINUX`` access entry when it creates a managed node group, and
Karpenter requires the SYSTEM group (its controller runs there), so the entry exists whenever
Karpenter does; a second entry for the same principal would be refused by EKS as a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from constructs import Construct

from constructs_lib.iam import policy_document, statement
from constructs_lib.stack import NAME_PREFIX, from_environment
from constructs_lib.validation import require_name_prefix

__all__ = [
    "DISCOVERY_TAG",
    "INTERRUPTION_EVENTS",
    "KarpenterInterruption",
    "KarpenterInterruptionProps",
    "KarpenterNodes",
]

#: The tag by which Karpenter's EC2NodeClass selects subnets and security groups; value: the cluster name.
DISCOVERY_TAG = "karpenter.sh/discovery"

#: The events Karpenter acts on before AWS takes a node away, as (rule id, source, detail-type): it
#: drains the node and launches a replacement. Rule ids are terraform addresses: never rename them.
INTERRUPTION_EVENTS: tuple[tuple[str, str, str], ...] = (
    ("spot-interruption", "aws.ec2", "EC2 Spot Instance Interruption Warning"),
    ("rebalance-recommendation", "aws.ec2", "EC2 Instance Rebalance Recommendation"),
    ("instance-state-change", "aws.ec2", "EC2 Instance State-change Notification"),
    ("scheduled-change", "aws.health", "AWS Health Event"),
)

#: Seconds a message waits in the queue. Five minutes: an interruption notice is worthless after the
#: two-minute Spot warning has run out, and a short retention keeps a stopped controller from acting
#: on stale events when it comes back.
QUEUE_RETENTION_SECONDS = 300


@dataclass(frozen=True)
class KarpenterNodes:
    """What the Karpenter add-on reads (terraform references)."""

    #: The interruption queue's name (the chart's ``settings.interruptionQueue``) and ARN (its role may
    #: only receive and delete there).
    queue_name: str
    queue_arn: str
    #: The instance profile of the node role, named in the EC2NodeClass, and its ARN.
    instance_profile_name: str
    instance_profile_arn: str
    #: The node role the instances run as (the controller may pass only this role, only to EC2).
    node_role_arn: str


@dataclass(frozen=True, kw_only=True)
class KarpenterInterruptionProps:
    """Where Karpenter's nodes come from."""

    #: The cluster's node role (``EksCluster.node_role_name`` and ``node_role_arn``): the instance
    #: profile wraps it, and the controller may pass only it.
    node_role_name: str
    node_role_arn: str
    #: Environment prefix of the queue, rule and instance profile names (at most 40 characters).
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None


class KarpenterInterruption(Construct):
    """The interruption queue (SQS-managed encryption, TLS only, writable by EventBridge), one
    EventBridge rule per :data:`INTERRUPTION_EVENTS` targeting it, and the node role's instance profile.

    Attribute: ``nodes`` (:class:`KarpenterNodes`).
    """

    def __init__(self, scope: Construct, id: str, *, props: KarpenterInterruptionProps) -> None:
        name_prefix = from_environment(scope, "karpenter.name_prefix", props.name_prefix, NAME_PREFIX)
        node_role_name, node_role_arn = props.node_role_name, props.node_role_arn
        require_name_prefix("karpenter.name_prefix", name_prefix)
        super().__init__(scope, id)
        queue = SqsQueue(
            self,
            "interruption-queue",
            name=f"{name_prefix}-karpenter-interruption",
            message_retention_seconds=QUEUE_RETENTION_SECONDS,
            # Encrypted at rest with an SQS-owned key: EventBridge can write to it without a key
            # policy of ours, and the notices (instance ids, times) are not secret enough for a CMK.
            sqs_managed_sse_enabled=True,
        )
        SqsQueuePolicy(
            self,
            "interruption-queue-policy",
            queue_url=queue.url,
            policy=policy_document(
                statement(
                    "EventsDeliverNotices",
                    ["sqs:SendMessage"],
                    [queue.arn],
                    principals={"Service": ["events.amazonaws.com", "sqs.amazonaws.com"]},
                ),
                statement(
                    "DenyWithoutTls",
                    ["sqs:*"],
                    [queue.arn],
                    effect="Deny",
                    principals={"AWS": "*"},
                    conditions={"Bool": {"aws:SecureTransport": "false"}},
                ),
            ),
        )
        for rule_id, source, detail_type in INTERRUPTION_EVENTS:
            rule = CloudwatchEventRule(
                self,
                rule_id,
                name=f"{name_prefix}-karpenter-{rule_id}",
                description=f"{detail_type} to Karpenter's interruption queue",
                event_pattern=f'{{"source":["{source}"],"detail-type":["{detail_type}"]}}',
            )
            CloudwatchEventTarget(self, f"{rule_id}-target", rule=rule.name, arn=queue.arn, target_id="karpenter")
        profile = IamInstanceProfile(
            self, "node-instance-profile", name=f"{name_prefix}-karpenter-node", role=node_role_name
        )
        self.nodes = KarpenterNodes(
            queue_name=queue.name,
            queue_arn=queue.arn,
            instance_profile_name=profile.name,
            instance_profile_arn=profile.arn,
            node_role_arn=node_role_arn,
        )
