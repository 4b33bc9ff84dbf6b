/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type checking is done once by `tsc --noEmit` in `npm test`; ts-jest only transpiles.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false, tsconfig: { isolatedModules: true } }],
    // @oslojs/asn1 ships ES modules only; Jest's module system runs CommonJS.
    "/node_modules/@oslojs/.+\\.js$": "<rootDir>/__tests__/support/esm-to-cjs.js",
  },
  transformIgnorePatterns: ["/node_modules/(?!@oslojs/)"],
  testTimeout: 120000,
  // Suites wait on terraform, curl and child processes much of the time: two workers on two
  // cores finish well inside the 90 s budget (jest's default here would be one).
  maxWorkers: 2,
};
