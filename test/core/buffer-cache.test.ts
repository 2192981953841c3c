import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderBytes, sharedBuffersMb } from '../../src/core/storage/buffer-cache';
import { openDatabase } from '../../src/core/storage/open-database';
import { onCleanup, tempDir } from '../helpers/test-core';

const MB = 2 ** 20;
const GB = 2 ** 30;

describe('buffer cache size', () => {
  it('gives every memory the same small cache, large or small', () => {
    // The whole cache is touched once the signs are read (see MAX_SHARED_BUFFERS_MB).
    expect(sharedBuffersMb(1 * MB, 16 * GB)).toBe(16);
    expect(sharedBuffersMb(24 * MB, 16 * GB)).toBe(16);
    expect(sharedBuffersMb(900 * MB, 16 * GB)).toBe(16);
    expect(sharedBuffersMb(10 * GB, 16 * GB)).toBe(16);
    // Never below the minimum, even on a small machine.
    expect(sharedBuffersMb(10 * GB, 128 * MB)).toBe(16);
  });

  it('adds up every file under a folder, and a missing folder is empty', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'one'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(dir, 'a', 'b', 'two'), Buffer.alloc(234));
    expect(folderBytes(dir)).toBe(1234);
    expect(folderBytes(path.join(dir, 'missing'))).toBe(0);
  });

  it('opens a large data folder with the same small buffer cache', async () => {
    const dataDir = tempDir();
    const first = await openDatabase({ dataDir });
    const show = async (db: typeof first) =>
      (await db.pg.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]
        ?.shared_buffers;
    expect(await show(first)).toBe('16MB');
    await first.close();
    // A sparse file makes the folder look like 1.25 GB of memory without the disk.
    const filler = path.join(dataDir, 'pgdata', 'locus-test-filler');
    fs.closeSync(fs.openSync(filler, 'w'));
    fs.truncateSync(filler, 1.25 * GB);
    const reopened = await openDatabase({ dataDir });
    onCleanup(() => reopened.close());
    const expected = sharedBuffersMb(folderBytes(path.join(dataDir, 'pgdata')), os.totalmem());
    expect(expected).toBe(16);
    expect(await show(reopened)).toBe('16MB');
  });
});
