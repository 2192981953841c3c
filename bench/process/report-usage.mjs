// Preloaded (`node --import`) into a process the benchmarks measure: on exit
// it writes the process's own CPU time and peak RSS to LOCUS_BENCH_USAGE_FILE,
// which a parent cannot read portably from outside.
import fs from 'node:fs';
import process from 'node:process';

const file = process.env.LOCUS_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        peakRssMb: usage.maxRSS / 1024,
      }),
    );
  });
}
