/**
 * Jest's TypeScript transform: esbuild strips the types (type checking is `tsc --noEmit`'s job in
 * `npm test`), less CPU than ts-jest's transpiler, with inline source maps so
 * stack traces point at the .ts lines.
 */
const { transformSync } = require("esbuild");
const { createHash } = require("node:crypto");
const { version } = require("esbuild/package.json");

// `import()` becomes a require, as TypeScript emits it for CommonJS (jest runs no ES modules).
/** What tsconfig.json decides for emitted code (target ES2022: class fields with define semantics). */
const TSCONFIG = { compilerOptions: { target: "ES2022", useDefineForClassFields: true, esModuleInterop: true } };

module.exports = {
  process(source, path) {
    const result = transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline", sourcefile: path, tsconfigRaw: TSCONFIG, supported: { "dynamic-import": false } });
    return { code: result.code };
  },
  getCacheKey(source, path, options) {
    return createHash("sha256").update(version).update("\0").update(path).update("\0").update(source).update("\0").update(options.configString).digest("hex");
  },
};
