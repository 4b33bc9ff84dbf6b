/**
 * The docs tell the truth and hang together: a short README that points at the three docs, every
 * relative link and anchor resolves, every npm script and cbat command (with its options) that a
 * doc shows exists, so do the commands and options of its terraform, aws, openssl and curl lines
 * (tool-mentions.ts; the walkthrough test runs the printed ones), and `help` points at the docs.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { cbatMentionProblems, npmMentionProblems } from "../support/doc-commands";
import { awsMentionProblems, curlMentionProblems, opensslMentionProblems, terraformMentionProblems } from "../support/tool-mentions";
import { PROJECT_ROOT } from "../support/terraform";

const DOCS = ["README.md", "docs/tutorial.md", "docs/reference.md", "docs/operations.md"];
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), "utf8");

/** GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (outside code blocks), GitHub's `-1` suffixes included. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutCodeBlocks(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchorOf(heading);
    const count = seen.get(base) ?? 0;
    result.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return result;
}

const withoutCodeBlocks = (text: string) => text.replace(/^```[\s\S]*?^```$/gm, "");
/** What a doc shows as code: fenced blocks and `inline` spans, where commands live. */
const codeOf = (text: string) => [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map(([, block]) => block).join("\n") + "\n" + [...withoutCodeBlocks(text).matchAll(/`([^`\n]+)`/g)].map(([, span]) => span).join("\n");

it("keeps the README short: what it is, quick start with `npm test` and how long it takes, where to go next", () => {
  const readme = read("README.md");
  expect(readme.split("\n").length).toBeLessThanOrEqual(100);
  const quickStart = readme.split("## Quick start")[1]?.split("\n## ")[0] ?? "";
  expect(quickStart).toMatch(/^npm test\b/m);
  expect(quickStart).toMatch(/`npm test` takes about \d+ minutes/);
  for (const doc of DOCS.slice(1)) expect(readme).toContain(`](${doc})`);
});

it.each(DOCS)("%s: every relative link and anchor resolves", (doc) => {
  const broken: string[] = [];
  for (const [, target] of withoutCodeBlocks(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
    const [file, anchor] = target.split("#");
    const path = file ? normalize(join(dirname(doc), file)) : doc;
    if (!existsSync(join(PROJECT_ROOT, path))) broken.push(`${target}: no file ${path}`);
    else if (anchor !== undefined && !anchors(read(path)).has(anchor)) broken.push(`${target}: no heading with anchor #${anchor} in ${path}`);
  }
  expect(broken).toEqual([]);
});

it.each(DOCS)("%s: names only npm scripts, cbat commands and cbat options that exist", (doc) => {
  const code = codeOf(read(doc));
  expect([...npmMentionProblems(code), ...cbatMentionProblems(code)]).toEqual([]);
});

it.each(DOCS)("%s: its terraform, aws, openssl and curl lines name commands and options those programs have", (doc) => {
  const code = codeOf(read(doc));
  expect([...terraformMentionProblems(code), ...awsMentionProblems(code), ...opensslMentionProblems(code), ...curlMentionProblems(code)]).toEqual([]);
});

it("the tool check catches a wrong command or option of each program", () => {
  const wrong = "terraform plan -var-flie=x.tfvars\nterraform aply -auto-approve\naws cognito-idp describe-user-pool-client --user-pool --client-id x\naws s3 copy a b\nopenssl x509 -in a.pem -subjekt\ncurl --certt a.pem https://x";
  expect([...terraformMentionProblems(wrong), ...awsMentionProblems(wrong), ...opensslMentionProblems(wrong), ...curlMentionProblems(wrong)]).toEqual([
    "terraform plan has no -var-flie", "no such terraform command: aply",
    "aws cognito-idp describe-user-pool-client has no --user-pool", "no such aws s3 command: copy",
    "openssl x509 has no -subjekt", "curl has no --certt",
  ]);
});

it("help points at the three docs", () => {
  const help = read("help");
  for (const doc of DOCS) expect(help).toContain(doc);
});
