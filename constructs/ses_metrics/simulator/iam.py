"""An IAM policy evaluator for the questions event publishing asks; it fails closed.

Written by hand: no maintained, permissively licensed offline IAM evaluator exists for
Python (principalmapper is AGPL and broken on Python 3.10+; parliament lints but does not
evaluate; moto checks actions against ``*`` only). ``@cloud-copilot/iam-simulate`` (AGPL,
TypeScript) is used only by the tests, as the independent evaluator this one is compared
with (``tests/simulator/test_iam_differential.py``).

What it evaluates, following AWS's "Policy evaluation logic" (sources in
``ses_metrics.rules.iam``):

- policy documents as dicts or as JSON strings (CloudFormation accepts both); ``Statement``
  one object or a list; ``Effect``, ``Action``/``NotAction`` (case-insensitive, ``*``/``?``),
  ``Resource``/``NotResource`` (ARN segment by segment, case-sensitive), ``Principal``/
  ``NotPrincipal`` (``*``, accounts, IAM ARNs, role sessions, service principals; no
  partial wildcards), ``Condition`` (every operator: ``iam_conditions``), policy variables;
- identity policies, resource policies (trust, bucket, topic, key policies) and permissions
  boundaries together (``authorize``): an explicit Deny anywhere wins; in one account an
  identity or a resource policy may allow (a boundary must allow identity grants, and
  resource grants to the role rather than to its session); across accounts both must; a
  service principal needs the resource policy; a KMS key's policy must allow the principal
  or the account (which then lets IAM policies allow).

Every answer is allowed, denied, or *unknown*: unknown when something the decision depends
on cannot be decided (an unknown operator, a context key or policy variable the simulator
cannot know, a boundary, key or managed policy it cannot read, a malformed document). By
default nothing unknown is allowed: the caller reports it as not delivered, saying what
could not be decided and where (policy, statement Sid or index).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ses_metrics.rules.iam import ACCOUNT_ROOT_SUFFIX
from ses_metrics.simulator.iam_conditions import (
    Context,
    Tri,
    Undecidable,
    evaluate_block,
    glob_regex,
    parse_operator,
    resolve_variables,
    split_arn,
    tri_all,
    tri_any,
)

# -- requests and decisions ---------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """An API call to judge: who, what, on which resource, in which context.

    ``principal`` is a service principal (``ses.amazonaws.com``) or an ARN (a role, a role
    session ``arn:aws:sts::<account>:assumed-role/<role>/<session>``, an account root).
    ``principal_service``/``principal_arn``/``principal_account`` are the older spelling and
    still accepted. ``context``: by default the whole request context (a key it lacks is
    absent); pass an ``iam_conditions.Context`` to say which keys are unknown."""

    action: str
    resource: str
    principal_service: str | None = None
    principal_arn: str | None = None
    principal_account: str | None = None
    context: Mapping[str, Any] | Context = field(default_factory=dict)
    principal: str | None = None
    resource_account: str | None = None

    @property
    def who(self) -> str | None:
        return self.principal or self.principal_service or self.principal_arn

    @property
    def account(self) -> str | None:
        """The principal's account (None for a service principal)."""
        if self.principal_account:
            return self.principal_account
        who = self.who
        if who and who.startswith("arn:"):
            parts = who.split(":")
            return parts[4] if len(parts) > 4 and parts[4] else None
        return None

    @property
    def is_service(self) -> bool:
        who = self.who
        return bool(who) and not who.startswith("arn:") and who.endswith(".amazonaws.com")  # type: ignore[union-attr]

    def conditions_context(self) -> Context:
        if isinstance(self.context, Context):
            return self.context
        return Context.of(self.context)


class Outcome(str, enum.Enum):
    ALLOWED = "allowed"
    DENIED = "denied"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str

    def __init__(self, allowed: bool | Outcome, reason: str):
        outcome = allowed if isinstance(allowed, Outcome) else Outcome.ALLOWED if allowed else Outcome.DENIED
        object.__setattr__(self, "outcome", outcome)
        object.__setattr__(self, "reason", reason)

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED

    @property
    def unknown(self) -> bool:
        return self.outcome is Outcome.UNKNOWN

    @property
    def explicit(self) -> bool:
        """Denied by a Deny statement (not just for want of an Allow)."""
        return self.outcome is Outcome.DENIED and self.reason.startswith("explicitly denied")


# -- policies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement, with where it is (for reasons): ``label`` is its Sid or
    ``statement N`` (1-based), ``policy`` the document's name (may be empty)."""

    raw: Mapping[str, Any]
    label: str
    policy: str

    @property
    def effect(self) -> str:
        return str(self.raw.get("Effect", ""))

    @property
    def where(self) -> str:
        return f"{self.label} of {self.policy}" if self.policy else self.label


@dataclass(frozen=True)
class Policy:
    """A parsed document: its statements, or ``problem`` when it cannot be read."""

    name: str
    statements: tuple[Statement, ...] = ()
    problem: str = ""


def load(document: Any, name: str = "") -> Policy:
    """A policy from a dict or a JSON string (CloudFormation takes either). A document that
    is neither, or whose statements are malformed, is a ``problem`` (never an empty allow)."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as error:
            return Policy(name, problem=f"{name or 'a policy'} is not valid JSON ({error.msg})")
    if isinstance(document, Policy):
        return document
    if not isinstance(document, Mapping):
        return Policy(name, problem=f"{name or 'a policy'} is not a policy document")
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [] if raw is None else [raw]
    statements = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            return Policy(name, problem=f"statement {index + 1} of {name or 'a policy'} is not an object")
        sid = item.get("Sid")
        statements.append(Statement(item, str(sid) if sid else f"statement {index + 1}", name))
    return Policy(name, tuple(statements))


def _policies(documents: Iterable[Any], name: str = "") -> list[Policy]:
    return [d if isinstance(d, Policy) else load(d, name) for d in documents]


def statements(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The raw statements of policy documents (a document's ``Statement`` may be one dict)."""
    return [s.raw for p in _policies(documents) for s in p.statements]


def unsupported_operators(documents: Sequence[Any]) -> set[str]:
    """Condition operators the evaluator does not know (any such condition is undecidable)."""
    found = set()
    for raw in statements(documents):
        condition = raw.get("Condition")
        for operator in condition if isinstance(condition, Mapping) else ():
            if parse_operator(str(operator)).base is None:
                found.add(str(operator))
    return found


# -- matching elements --------------------------------------------------------------------


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@lru_cache(maxsize=4096)
def _action_regex(pattern: str) -> re.Pattern[str]:
    return glob_regex(pattern, case_sensitive=False)


def _action_matches(patterns: Any, action: str) -> Tri:
    values = _listify(patterns)
    if not all(isinstance(v, str) for v in values):
        return None
    return any(_action_regex(v).match(action) is not None for v in values)


def _resource_matches(pattern: str, resource: str, context: Context) -> Tri:
    """[Resource element] ``*`` matches everything; otherwise ARN segments are matched one
    by one (case-sensitive, wildcards within a segment). [VARS]: policy variables are
    replaced only in the resource segment (after the fifth colon); before it they are text."""
    if pattern == "*":
        return True
    wanted, got = split_arn(pattern), split_arn(resource)
    if wanted is None or got is None:
        return None if "${" in pattern else glob_regex(pattern).match(resource) is not None
    try:
        resolved = resolve_variables(wanted[5], context)
    except Undecidable:
        return None
    if resolved is None:
        return False  # [VARS]: a variable with no value never matches
    wanted[5] = resolved
    return all(glob_regex(w).match(g) is not None for w, g in zip(wanted, got, strict=True))


def _resources_match(patterns: Any, resource: str, context: Context) -> Tri:
    values = _listify(patterns)
    if not all(isinstance(v, str) for v in values):
        return None
    return tri_any([_resource_matches(v, resource, context) for v in values])


class PrincipalMatch(enum.IntEnum):
    """How a Principal element names the caller (stronger is higher)."""

    NONE = 0
    ACCOUNT = 1  # the caller's account: trusts the account's IAM policies, grants nothing itself
    ROLE = 2  # the role of the calling role session (limited by the role's boundary)
    DIRECT = 3  # the caller itself: the service principal, the session's ARN, or "*"
    ANYONE = 4  # "*": everyone (see rules.iam: with a boundary, undocumented)


def _role_of_session(arn: str) -> str | None:
    """``arn:aws:iam::<account>:role/<name>`` of ``arn:aws:sts::<account>:assumed-role/<name>/<session>``."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        name = parts[5].split("/")[1]
        return f"arn:{parts[1]}:iam::{parts[4]}:role/{name}"
    return None


def _principal_value_match(kind: str, value: Any, request: Request) -> PrincipalMatch | None:
    """How one Principal value names the caller; None when it cannot be read."""
    if not isinstance(value, str):
        return None
    who = request.who or ""
    if kind == "Service":
        return PrincipalMatch.DIRECT if request.is_service and value == who else PrincipalMatch.NONE
    if kind != "AWS":
        return PrincipalMatch.NONE  # Federated, CanonicalUser: never these callers
    if value == "*":
        return PrincipalMatch.ANYONE
    if "*" in value or "?" in value:
        return None  # [Principal element]: no partial wildcards; IAM would refuse the policy
    if request.is_service:
        return PrincipalMatch.NONE
    account = value if re.fullmatch(r"\d{12}", value) else None
    if account is None and value.endswith(ACCOUNT_ROOT_SUFFIX) and value.startswith("arn:"):
        account = value.split(":")[4]
    if account is not None:
        return PrincipalMatch.ACCOUNT if account == request.account else PrincipalMatch.NONE
    if value == who:
        return PrincipalMatch.DIRECT
    if _role_of_session(who) == value:
        return PrincipalMatch.ROLE
    return PrincipalMatch.NONE


def principal_match(element: Any, request: Request) -> PrincipalMatch | None:
    """The strongest way a ``Principal`` element names the caller; None if unreadable."""
    if element == "*":
        return PrincipalMatch.ANYONE
    if not isinstance(element, Mapping):
        return None
    best = PrincipalMatch.NONE
    for kind, values in element.items():
        for value in _listify(values):
            found = _principal_value_match(str(kind), value, request)
            if found is None:
                return None
            best = max(best, found)
    return best


# -- statements ---------------------------------------------------------------------------


@dataclass
class StatementResult:
    """Whether a statement applies (True/False/None) and, for a resource policy, how its
    Principal names the caller; ``why``: what made it unknown."""

    statement: Statement
    applies: Tri
    principal: PrincipalMatch = PrincipalMatch.DIRECT
    why: str = ""


def _element(raw: Mapping[str, Any], positive: str, negative: str) -> tuple[Any, bool] | None:
    if positive in raw:
        return raw[positive], False
    if negative in raw:
        return raw[negative], True
    return None


def evaluate_statement(statement: Statement, request: Request, *, resource_policy: bool, bounded: bool = False) -> StatementResult:
    """Action, Resource, Principal and Condition of one statement, ANDed in three values."""
    raw = statement.raw
    context = request.conditions_context()
    effect = statement.effect
    if effect not in ("Allow", "Deny"):
        return StatementResult(statement, None, why=f"Effect {effect!r} is neither Allow nor Deny")
    parts: list[Tri] = []
    why = ""
    principal = PrincipalMatch.DIRECT
    if resource_policy:
        spec = _element(raw, "Principal", "NotPrincipal")
        if spec is None:
            return StatementResult(statement, None, why="a resource policy statement without Principal or NotPrincipal")
        found = principal_match(spec[0], request)
        if found is None:
            return StatementResult(statement, None, why="a Principal the simulator cannot read")
        if spec[1]:
            # [BOUNDARY]: a Deny with NotPrincipal always denies a principal with a boundary.
            excluded = found is not PrincipalMatch.NONE and not (bounded and effect == "Deny")
            found = PrincipalMatch.NONE if excluded else PrincipalMatch.ANYONE
        principal = found
        parts.append(found is not PrincipalMatch.NONE)
    action = _element(raw, "Action", "NotAction")
    if action is None:
        return StatementResult(statement, None, why="no Action or NotAction")
    matched = _action_matches(action[0], request.action)
    parts.append(None if matched is None else matched != action[1])
    resource = _element(raw, "Resource", "NotResource")
    if resource is None:
        # Trust policies have no Resource (the role is the resource); others need one.
        parts.append(True if resource_policy else None)
        why = why or ("" if resource_policy else "no Resource or NotResource")
    else:
        matched = _resources_match(resource[0], request.resource, context)
        parts.append(None if matched is None else matched != resource[1])
        if matched is None:
            why = why or "a Resource the simulator cannot match (a policy variable it does not know)"
    if tri_all(parts) is not False:
        decided, condition_why = evaluate_block(raw.get("Condition"), context)
        parts.append(decided)
        why = why or condition_why
    applies = tri_all(parts)
    return StatementResult(statement, applies, principal, why if applies is None else "")


# -- one kind of policy -------------------------------------------------------------------


@dataclass
class PolicyResult:
    """The statements of one kind of policy (identity, resource, boundary) that apply to a
    request: ``denies``/``allows`` surely, ``maybe_denies``/``maybe_allows`` perhaps."""

    denies: list[StatementResult] = field(default_factory=list)
    allows: list[StatementResult] = field(default_factory=list)
    maybe_denies: list[StatementResult] = field(default_factory=list)
    maybe_allows: list[StatementResult] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # documents that cannot be read

    def allowed(self, minimum: PrincipalMatch = PrincipalMatch.NONE, maximum: PrincipalMatch = PrincipalMatch.ANYONE) -> Tri:
        """Whether an Allow applies whose principal match is within [minimum, maximum]."""
        def within(r: StatementResult) -> bool:
            return minimum <= r.principal <= maximum

        if any(within(r) for r in self.allows):
            return True
        if any(within(r) for r in self.maybe_allows) or self.unreadable:
            return None
        return False

    def denied(self) -> Tri:
        if self.denies:
            return True
        return None if (self.maybe_denies or self.unreadable) else False


def evaluate_policies(policies: Sequence[Policy], request: Request, *, resource_policy: bool = False, bounded: bool = False) -> PolicyResult:
    result = PolicyResult()
    for policy in policies:
        if policy.problem:
            result.unreadable.append(policy.problem)
            continue
        for statement in policy.statements:
            found = evaluate_statement(statement, request, resource_policy=resource_policy, bounded=bounded)
            if found.applies is False:
                continue
            deny = statement.effect == "Deny"
            if found.applies:
                (result.denies if deny else result.allows).append(found)
            else:
                (result.maybe_denies if deny else result.maybe_allows).append(found)
    return result


# -- the decision --------------------------------------------------------------------------


class Unreadable:
    """A policy the simulator cannot read (an external boundary, an AWS managed policy): it
    may allow or deny anything. ``what`` names it in reasons."""

    def __init__(self, what: str):
        self.what = what

    def __repr__(self) -> str:
        return f"Unreadable({self.what!r})"


@dataclass(frozen=True)
class Grants:
    """Everything that decides one request. ``identity``: the caller's identity policies
    (documents, Policy objects or ``Unreadable``); ``boundary``: None (no boundary) or its
    policies; ``resource``: None (the resource has no policy) or its policies;
    ``resource_kind``: ``"default"``, ``"kms"`` (the key policy must allow the principal or
    its account) or ``"trust"`` (a role's trust policy must name the caller)."""

    identity: Sequence[Any] = ()
    boundary: Sequence[Any] | None = None
    resource: Sequence[Any] | None = None
    resource_kind: str = "default"
    identity_name: str = "the identity policies"
    resource_name: str = "the resource policy"
    boundary_name: str = "the permissions boundary"


def _split(items: Sequence[Any], name: str) -> tuple[list[Policy], list[str]]:
    policies, unreadable = [], []
    for item in items:
        if isinstance(item, Unreadable):
            unreadable.append(item.what)
        else:
            policy = item if isinstance(item, Policy) else load(item, name)
            policies.append(policy)
    return policies, unreadable


def _first_why(results: Iterable[StatementResult]) -> str:
    for r in results:
        return f"{r.why} ({r.statement.where})"
    return ""


def authorize(request: Request, grants: Grants) -> Decision:
    """AWS's decision on ``request`` given ``grants``: explicit deny, else the allows the
    request needs (see the module docstring), each in three values."""
    identity_policies, identity_unreadable = _split(grants.identity, grants.identity_name)
    boundary_policies, boundary_unreadable = _split(grants.boundary or (), grants.boundary_name)
    bounded = grants.boundary is not None
    identity = evaluate_policies(identity_policies, request)
    identity.unreadable += identity_unreadable
    boundary = evaluate_policies(boundary_policies, request) if bounded else PolicyResult()
    boundary.unreadable += boundary_unreadable
    resource = None
    if grants.resource is not None:
        resource_policies, resource_unreadable = _split(grants.resource, grants.resource_name)
        resource = evaluate_policies(resource_policies, request, resource_policy=True, bounded=bounded)
        resource.unreadable += resource_unreadable
    results = [identity, boundary] + ([resource] if resource else [])

    # 1. an explicit Deny in any policy wins.
    for result in results:
        if result.denies:
            return Decision(False, f"explicitly denied by {result.denies[0].statement.where}")
    # 2. the allows this request needs.
    allowed, uses = _allowed(request, grants, identity, boundary, resource, bounded)
    deny_maybe = tri_any([r.denied() for r in results])
    if allowed is False:
        return Decision(False, _no_allow(request, grants, bounded, identity, boundary))
    if allowed is True and deny_maybe is False:
        return Decision(True, f"allowed by {uses}")
    return Decision(Outcome.UNKNOWN, _undecided(results, grants, allowed))


def _allowed(request: Request, grants: Grants, identity: PolicyResult, boundary: PolicyResult, resource: PolicyResult | None,
             bounded: bool) -> tuple[Tri, str]:
    """Whether enough policies allow (ignoring denies), and which statement does."""
    identity_ok = tri_all([identity.allowed(), boundary.allowed() if bounded else True])
    if request.is_service:
        # A service principal has no identity policies: only a resource policy can allow it.
        return (resource.allowed(PrincipalMatch.DIRECT) if resource else False), _uses(resource)
    same_account = request.resource_account is None or request.resource_account == request.account
    if resource is None:
        # No resource policy: identity policies decide (a KMS key always has a policy).
        return (identity_ok if same_account and grants.resource_kind == "default" else False), _uses(identity)
    # Grants straight to the caller: a session ARN is not limited by a boundary; the role's
    # ARN is; "*" to a bounded role is undocumented (unknown).
    direct = resource.allowed(PrincipalMatch.DIRECT, PrincipalMatch.DIRECT)
    anyone = resource.allowed(PrincipalMatch.ANYONE)
    role = resource.allowed(PrincipalMatch.ROLE, PrincipalMatch.ROLE)
    if bounded:
        anyone = False if anyone is False else None  # a "*" grant may or may not pass the boundary
        role = tri_all([role, boundary.allowed()])
    resource_direct = tri_any([direct, anyone, role])
    account_trust = resource.allowed(PrincipalMatch.ACCOUNT)
    if not same_account:
        # [EVAL] cross-account: the resource policy (naming the caller or its account) and
        # the caller's identity policies must both allow.
        return tri_all([account_trust, identity_ok]), _uses(identity)
    if grants.resource_kind in ("kms", "trust"):
        # [KMS]: IAM policies count only when the key policy allows the account; a role's
        # trust policy likewise must name the caller or its account.
        via_identity = tri_all([resource.allowed(PrincipalMatch.ACCOUNT, PrincipalMatch.ACCOUNT), identity_ok])
        return tri_any([resource_direct, via_identity]), _uses(resource if resource_direct else identity)
    return tri_any([resource_direct, identity_ok]), _uses(resource if resource_direct else identity)


def _uses(result: PolicyResult | None) -> str:
    if result is None or not result.allows:
        return "nothing"
    return result.allows[0].statement.where


def _no_allow(request: Request, grants: Grants, bounded: bool, identity: PolicyResult, boundary: PolicyResult) -> str:
    base = f"no statement allows {request.action} on {request.resource}"
    if bounded and identity.allowed() is True and boundary.allowed() is False:
        return f"{base}: {grants.boundary_name} does not allow it"
    return base


def _undecided(results: list[PolicyResult], grants: Grants, allowed: Tri) -> str:
    """Why the decision is unknown: the first statement or document that could not be decided."""
    for result in results:
        for problem in result.unreadable:
            return f"{problem} cannot be read"
    for result in results:
        why = _first_why(result.maybe_denies)
        if why:
            return f"a Deny may apply: {why}"
    for result in results:
        why = _first_why(result.maybe_allows)
        if why:
            return f"an Allow may apply: {why}"
    return "a resource policy grants \"*\" to a role with a permissions boundary (AWS documents no rule for it)"


def evaluate(documents: Iterable[Any], request: Request, *, resource_policy: bool = False, name: str = "") -> Decision:
    """One kind of policy on its own: an explicit Deny wins, else any Allow (for a resource
    policy: an Allow whose Principal names the caller). Unknown when undecidable."""
    policies = [p if isinstance(p, Policy) else load(p, name) for p in documents]
    result = evaluate_policies(policies, request, resource_policy=resource_policy)
    if result.denies:
        return Decision(False, f"explicitly denied by {result.denies[0].statement.where}")
    allowed = result.allowed(PrincipalMatch.ROLE) if resource_policy else result.allowed()
    if allowed is False:
        return Decision(False, f"no statement allows {request.action} on {request.resource}")
    if allowed is True and result.denied() is False:
        return Decision(True, f"allowed by {_uses(result)}")
    return Decision(Outcome.UNKNOWN, _undecided([result], Grants(), allowed))

