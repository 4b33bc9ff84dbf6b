/**
 * plan:summary's truststore version and account-setting rows, on plan JSON shaped as
 * `terraform show -json` writes it (the fields these rows read). The truststore row on real
 * plans is checked in __tests__/stacks/truststore-version.terraform.test.ts.
 */
import { summarizePlan } from "../../review/plan-summary";
import { accountSettingRow } from "../../review/plan-account-setting";
import { truststoreVersionRow } from "../../review/plan-truststore";

const domainChange = (before: unknown, after: unknown, afterUnknown: unknown = {}) => ({
  resource_changes: [{ address: "aws_api_gateway_domain_name.custom-domain_domain", mode: "managed", type: "aws_api_gateway_domain_name", change: { actions: before === null ? ["create"] : ["update"], before, after, after_unknown: afterUnknown } }],
});
const mtls = (version: unknown) => ({ mutual_tls_authentication: [{ truststore_uri: "s3://b/truststore.pem", truststore_version: version }] });

it("shows the truststore version old → new, unchanged, new, or why it is not known", () => {
  expect(truststoreVersionRow(domainChange(mtls("v1"), mtls("v2")))).toEqual({ check: "truststore version", ok: true, warning: false, seen: "v1 → v2" });
  expect(truststoreVersionRow(domainChange(mtls("v2"), mtls("v2"))).seen).toBe("v2 (unchanged)");
  expect(truststoreVersionRow(domainChange(null, mtls("v1"))).seen).toBe("(new) → v1");
  expect(truststoreVersionRow(domainChange(mtls(null), mtls("v1"))).seen).toBe("(latest at creation) → v1");
  expect(truststoreVersionRow(domainChange(mtls("v1"), mtls(null)))).toMatchObject({ ok: true, warning: true, seen: expect.stringMatching(/^v1 → latest \(not known offline/) });
  expect(truststoreVersionRow(domainChange(mtls("v1"), {}, { mutual_tls_authentication: [{ truststore_version: true }] }))).toMatchObject({ warning: true, seen: "v1 → (known after apply)" });
  expect(truststoreVersionRow({ resource_changes: [] })).toMatchObject({ ok: false, seen: "no aws_api_gateway_domain_name in the plan" });
});

it("warns when the plan manages API Gateway's account setting, and says who owns it otherwise", () => {
  const managed = { variables: { manage_api_gateway_account: { value: true } }, resource_changes: [{ address: "aws_api_gateway_account.a[0]", mode: "managed", type: "aws_api_gateway_account", change: { actions: ["create"] } }] };
  expect(accountSettingRow(managed)).toMatchObject({ ok: true, warning: true, seen: expect.stringContaining("managed by this stack") });
  expect(accountSettingRow({ variables: { manage_api_gateway_account: { value: false } }, resource_changes: [] })).toEqual(expect.objectContaining({ ok: true, seen: expect.stringContaining("another stack owns it") }));
  expect(accountSettingRow({ variables: { manage_api_gateway_account: { value: false } }, resource_changes: [] }).warning).toBeUndefined();
  const markdown = summarizePlan({ planned_values: { root_module: { resources: [] } }, ...managed }).markdown;
  expect(markdown).toMatch(/\| API Gateway account setting \(CloudWatch logging role\) owned by one stack per account and region \| ⚠️ \| managed by this stack/);
});
