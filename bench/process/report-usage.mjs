// Preloaded (`node --import`) into a process the benchmarks measure: on exit
// it writes the process's own CPU time and peak RSS to LOCUS_BENCH_USAGE_FILE,
// which a parent cannot read portably from outside.
import fs from 'node:fs';
import process from 'node:process';

/**
 * The peak RSS of this process's own memory, in MB. On Linux `ru_maxrss`
 * also counts the parent's memory the child was forked with before it ran
 * `node` (exec keeps the old address space's high-water mark): the peers
 * suite's parent held ~450 MB of corpus garbage when it started a search
 * process, so that process's 235-260 MB read as 442-485 MB whenever the
 * parent had not collected it yet. VmHWM is the high-water mark of the
 * address space exec gave this process, nothing else.
 */
function peakRssMb(usage) {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) / 1024;
  } catch {
    // Not Linux: no /proc.
  }
  return usage.maxRSS / 1024;
}

const file = process.env.LOCUS_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        peakRssMb: peakRssMb(usage),
      }),
    );
  });
}
