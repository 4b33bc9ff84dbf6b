/** Jest transform for ES-module-only packages in node_modules (see jest.config.js): esbuild rewrites them as CommonJS. */
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { format: "cjs", loader: "js", target: "node20", sourcefile: filename, sourcemap: true });
    return { code, map };
  },
};
