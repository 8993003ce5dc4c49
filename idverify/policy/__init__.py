"""The VerifyIdentity decision policy: reason codes to APPROVE / REVIEW / REJECT. Pure."""

from idverify.policy.decide import combine, decide
from idverify.policy.rules import Effect, Policy, PolicySettings, load_policy, parse_policy

__all__ = ["Effect", "Policy", "PolicySettings", "combine", "decide", "load_policy", "parse_policy"]
