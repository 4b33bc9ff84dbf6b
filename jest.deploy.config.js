/**
 * `npm run test:deploy`: the deploy cycle suite alone (apply → no-drift plan → destroy against
 * moto_server), which `npm test` leaves out. Run through scripts/deploy-cycle/test-deploy.ts.
 */
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["<rootDir>/__tests__/deploy/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 600000,
  maxWorkers: 1,
};
