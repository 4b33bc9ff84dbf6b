/**
 * plan:summary's Machine clients and Groups → scopes tables, from the outputs the stack writes
 * as literals (the example config: two machine clients, one pinned and one tls_client_auth; two groups). The outputs' values are
 * taken from the synthesized stack, as a plan shows them (known at plan time).
 */
import { Testing } from "cdktf";
import { join } from "node:path";
import { CertBoundApiStack } from "../../stacks/cert-bound-api-stack";
import { loadDeploymentConfig } from "../../stacks/deployment-config";
import { summarizePlan } from "../../review/plan-summary";
import { PROJECT_ROOT } from "../support/terraform";

const config = loadDeploymentConfig({ env: {}, configFile: join(PROJECT_ROOT, "examples", "cbat.config.json") });
const json = JSON.parse(Testing.synth(new CertBoundApiStack(Testing.app(), "access", { api: config.api, machineClients: config.machineClients })));
const planWith = (outputs: Record<string, unknown>, before?: Record<string, unknown>) => ({
  planned_values: { root_module: { resources: [] }, outputs: Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value }])) },
  resource_changes: [],
  output_changes: Object.fromEntries(Object.keys(outputs).map((k) => [k, before ? { actions: ["update"], before: before[k] } : { actions: ["create"], before: null }])),
});

it("writes each client's scopes and bound thumbprint, and the groups' scopes, as literal outputs", () => {
  expect(json.output.machine_client_bindings.value).toEqual({
    reporting: { scopes: ["accounts/invoke", "accounts/read"], x5t_s256: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg" },
    partner: { scopes: ["accounts/invoke", "accounts/read"], x5t_s256: "tls_client_auth", subject_dn: "CN=partner,O=Example Partner" },
  });
  expect(json.output.group_scopes.value).toEqual({ "account-readers": ["accounts/read"], "account-admins": ["accounts/read", "accounts/write"] });
});

it("renders the Machine clients and Groups → scopes tables, flagging what a plan adds or changes", () => {
  const outputs = { machine_client_bindings: json.output.machine_client_bindings.value, group_scopes: json.output.group_scopes.value };
  const first = summarizePlan(planWith(outputs)).markdown;
  expect(first).toContain("### Machine clients\n\n| client | scopes | bound x5t#S256 | change |\n| --- | --- | --- | --- |\n| `partner` | `accounts/invoke` `accounts/read` | `tls_client_auth`: the certificate presented, with subject `CN=partner,O=Example Partner`, ⚠️ any truststore CA (no issuerDn) | new |\n| `reporting` | `accounts/invoke` `accounts/read` | `n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg` | new |");
  expect(first).toContain("### Groups → scopes\n\n| group | scopes | change |\n| --- | --- | --- |\n| `account-admins` | `accounts/read` `accounts/write` | new |\n| `account-readers` | `accounts/read` | new |");
  const rotated = { ...outputs, machine_client_bindings: { ...outputs.machine_client_bindings, reporting: { ...outputs.machine_client_bindings.reporting, x5t_s256: "AAAAgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg" } } };
  const second = summarizePlan(planWith(rotated, outputs)).markdown;
  expect(second).toContain("| `reporting` | `accounts/invoke` `accounts/read` | `AAAAgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg` | ⚠️ changed |");
  expect(second).toContain("| `partner` | `accounts/invoke` `accounts/read` | `tls_client_auth`: the certificate presented, with subject `CN=partner,O=Example Partner`, ⚠️ any truststore CA (no issuerDn) | unchanged |");
  // An issuer pinned later: the change shows, and the warning goes.
  const pinned = { ...outputs, machine_client_bindings: { ...outputs.machine_client_bindings, partner: { ...outputs.machine_client_bindings.partner, issuer_dn: "CN=Partner CA,O=Example Partner" } } };
  expect(summarizePlan(planWith(pinned, outputs)).markdown).toContain("| `partner` | `accounts/invoke` `accounts/read` | `tls_client_auth`: the certificate presented, with subject `CN=partner,O=Example Partner`, issuer `CN=Partner CA,O=Example Partner` | ⚠️ changed |");
  expect(second).toContain("| `account-readers` | `accounts/read` | unchanged |");
});

it("keeps a name with a backtick or a pipe inside its cell", () => {
  const markdown = summarizePlan(planWith({ machine_client_bindings: { partner: { scopes: ["accounts/read"], x5t_s256: "tls_client_auth", subject_dn: "CN=a`b|c,O=x" } }, group_scopes: {} })).markdown;
  expect(markdown).toContain("| `partner` | `accounts/read` | `tls_client_auth`: the certificate presented, with subject `` CN=a`b\\|c,O=x ``, ⚠️ any truststore CA (no issuerDn) | new |");
});

it("keeps runs of backticks and any line break inside the cell", () => {
  const markdown = summarizePlan(planWith({ machine_client_bindings: { partner: { scopes: ["accounts/read"], x5t_s256: "tls_client_auth", subject_dn: "CN=x``y\r# heading\u2028~~~" } }, group_scopes: {} })).markdown;
  expect(markdown).toContain("with subject ``` CN=x``y # heading ~~~ ```, ⚠️ any truststore CA (no issuerDn) | new |");
});

it("has no such tables without machine clients or groups", () => {
  const plain = JSON.parse(Testing.synth(new CertBoundApiStack(Testing.app(), "plain")));
  expect(plain.output.machine_client_bindings.value).toEqual({});
  const markdown = summarizePlan(planWith({ machine_client_bindings: {}, group_scopes: {} })).markdown;
  expect(markdown).not.toContain("### Machine clients");
  expect(markdown).not.toContain("### Groups");
});
