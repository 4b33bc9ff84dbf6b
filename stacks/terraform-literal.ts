/**
 * Text from the API document (scopes, group names, integration URIs and templates) goes into
 * Terraform as it is: "${" and "%{" would otherwise start an interpolation or a directive,
 * evaluated on the machine that plans (`${file("/etc/hostname")}` in a request template).
 * Terraform reads "$${" and "%%{" as the literal "${" and "%{".
 */
export function terraformLiteral(text: string): string {
  // Replacement functions: in a replacement string "$$" would itself mean one "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** terraformLiteral on every key and value of a string map. */
export function terraformLiteralMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [terraformLiteral(key), terraformLiteral(value)]));
}
