// Decides a batch of IAM requests with @cloud-copilot/iam-simulate, the independent evaluator
// ses-metrics' own is compared with (tests/simulator/test_iam_differential.py). A test-only tool: the
// package is an AGPL-3.0-or-later devDependency, never shipped nor imported at run time.
//
// stdin: a JSON array of cases {id, principal, action, resource, accountId, context,
//        identity: [policy], resourcePolicy: policy | null, boundary: [policy] | null}
// stdout: a JSON array of {id, result: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "error",
//         errors, ignoredContextKeys}
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))

// One case at a time would wait on iam-data's lazy file reads in turn: decide them together.
const out = await Promise.all(cases.map(decide))
process.stdout.write(JSON.stringify(out))

async function decide(c) {
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.accountId },
      contextVariables: c.context
    },
    identityPolicies: (c.identity || []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : {}),
    ...(c.boundary ? { permissionBoundaryPolicies: c.boundary.map((policy, i) => ({ name: `boundary${i}`, policy })) } : {})
  }
  try {
    const response = await runSimulation(simulation, {})
    if (response.resultType === 'error') {
      return { id: c.id, result: 'error', errors: response.errors }
    }
    if (response.resultType === 'single') {
      return { id: c.id, result: response.overallResult, ignoredContextKeys: response.result.ignoredContextKeys || [] }
    }
    return { id: c.id, result: response.overallResult, ignoredContextKeys: response.results.flatMap((r) => r.ignoredContextKeys || []) }
  } catch (error) {
    return { id: c.id, result: 'error', errors: { message: String(error) } }
  }
}
