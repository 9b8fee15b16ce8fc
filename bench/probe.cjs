// Preloaded into every process the benchmark starts (NODE_OPTIONS=--require): reports the process's
// peak resident set size on fd 3 as it exits. Costs the same (~0.3 ms) in every process measured.
// Only the process the benchmark started reports: the probe removes itself from the environment
// its own children inherit (where fd 3 may be anything).
'use strict';
if (process.env.KD_BENCH_PROBE === '1') {
  delete process.env.KD_BENCH_PROBE;
  process.env.NODE_OPTIONS = (process.env.NODE_OPTIONS ?? '').replace(/--require=("[^"]*probe\.cjs"|\S*probe\.cjs)/, '').trim();
  process.on('exit', () => {
    try {
      require('node:fs').writeSync(3, `${JSON.stringify({ maxRSS: process.resourceUsage().maxRSS * 1024 })}\n`);
    } catch {
      // fd 3 closed: nothing to report
    }
  });
}
