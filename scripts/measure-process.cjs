// Preloaded with --require by the synth benchmark: prints the process's wall time since
// start and its peak resident memory as one JSON line on stderr when it exits.
process.on("exit", () => {
  const { maxRSS } = process.resourceUsage();
  process.stderr.write(`\n${JSON.stringify({ wallMs: performance.now(), maxRssMb: maxRSS / 1024 })}\n`);
});
