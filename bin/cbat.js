#!/usr/bin/env node
// Entry point of `npx cbat`: runs the TypeScript CLI through tsx's require hook.
"use strict";
require("tsx/cjs");
require("../cli/main.ts")
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
