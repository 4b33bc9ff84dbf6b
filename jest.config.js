/** @type {import('jest').Config} */
module.exports = {
  // The node environment that fails a suite which leaves a handle open (open-handle-environment.js).
  testEnvironment: "<rootDir>/__tests__/support/open-handle-environment.js",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // The deploy cycle against moto_server runs in `npm run test:deploy` (jest.deploy.config.js), not here.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/deploy/"],
  transform: {
    // Type checking is done once by `tsc --noEmit` in `npm test`; esbuild only strips the types
    // (18% less CPU than ts-jest's transpiler on the handlers' suites, cold cache).
    "^.+\\.ts$": "<rootDir>/__tests__/support/esbuild-transform.js",
  },
  testTimeout: 120000,
  // One folder per run: TMPDIR for the suites (removed at the end) and the shared synth/plan cache.
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  // The summary, then each suite's tests and seconds (slowest first).
  reporters: ["default", "<rootDir>/__tests__/support/suite-time-reporter.js"],
  // No AWS SDK Node-version warning from the suites' own clients (quiet-setup.ts).
  setupFiles: ["<rootDir>/__tests__/support/quiet-setup.ts"],
  // Suites wait on terraform, curl and child processes much of the time: two workers on two
  // cores (jest's default here would be one).
  maxWorkers: 2,
  // A worker that has grown past this (module registries of earlier suites, parsed plans) is
  // replaced after its suite; a large worker exits slowly on a loaded machine, which jest reports
  // as "a worker process has failed to exit gracefully".
  workerIdleMemoryLimit: "512MB",
};
