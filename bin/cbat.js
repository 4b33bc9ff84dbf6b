#!/usr/bin/env node
// Entry point of `npx cbat`. In this repository it runs the TypeScript CLI through tsx's require
// hook; in the installed package (no sources, only dist/, built by `npm run build`) the JavaScript.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const sources = join(__dirname, "..", "cli", "main.ts");
let cli;
if (existsSync(sources)) {
  require("tsx/cjs");
  cli = require(sources);
} else {
  cli = require("../dist/cli/main.js");
}
cli.run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
