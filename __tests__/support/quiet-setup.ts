/**
 * jest setupFiles: the AWS SDK's NodeVersionSupportWarning (Node < 22), which the SDK prints
 * once per module registry, so once per suite that makes a client, is dropped in the test
 * workers. Every other warning still prints; child processes (`npm run local`, `cbat`) keep
 * their own handling, which __tests__/project/node-version.test.ts and state-lock.test.ts check.
 */
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.startsWith("NodeVersionSupportWarning")) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;
