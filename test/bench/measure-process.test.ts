import { describe, expect, it } from 'vitest';
import { measureNode } from '../../bench/process/measure-process';

const MB = 2 ** 20;

// Linux only: elsewhere the figure is ru_maxrss, which this does not pin down.
describe.runIf(process.platform === 'linux')('measureNode peak RSS', () => {
  it("reports the child's own peak, not the memory of the parent it was forked from", async () => {
    // The parent (this worker) holds 400 MB it has touched, as the peers
    // suite's parent held its 100k-row corpus when it started a search.
    const held = Array.from({ length: 8 }, () => Buffer.alloc(50 * MB, 1));
    expect(process.memoryUsage().rss).toBeGreaterThan(400 * MB);

    const idle = await measureNode(['-e', 'setTimeout(() => {}, 10)']);
    // A bare node process is ~40-60 MB; ru_maxrss read ~400 here.
    expect(idle.peakRssMb).toBeGreaterThan(10);
    expect(idle.peakRssMb).toBeLessThan(200);

    // What the child itself touches is still counted.
    const busy = await measureNode([
      '-e',
      'const b = Buffer.alloc(300 * 2 ** 20, 1); setTimeout(() => b.length, 10)',
    ]);
    expect(busy.peakRssMb).toBeGreaterThan(300);
    expect(held.length).toBe(8);
  });
});
