import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeWindow, readWindowState, writeWindowState } from '../../src/core/host/window-state';
import { tempDir } from '../helpers/test-core';

const screen = { x: 0, y: 0, width: 1920, height: 1040 };
const defaults = { width: 1100, height: 760, minWidth: 360, minHeight: 480 };

describe('main window state (size, place, maximized) across starts', () => {
  it('reopens where it was closed, maximized again if it was', () => {
    const file = path.join(tempDir(), 'window-state.json');
    expect(readWindowState(file)).toBeNull();
    // Scaled displays can report fractional bounds; they are stored whole (else read as damaged).
    writeWindowState(file, { x: 200.4, y: 99.6, width: 900, height: 700, maximized: true });
    const saved = readWindowState(file);
    expect(placeWindow(saved, [screen], defaults)).toEqual({
      bounds: { x: 200, y: 100, width: 900, height: 700 },
      maximized: true,
    });
  });

  it('falls back to the default size, centred by the system, on a monitor that is gone or a damaged file', () => {
    const file = path.join(tempDir(), 'window-state.json');
    // Closed on a second monitor that is no longer plugged in.
    writeWindowState(file, { x: 2500, y: 100, width: 900, height: 700, maximized: false });
    expect(placeWindow(readWindowState(file), [screen], defaults)).toEqual({
      bounds: { width: 1100, height: 760 },
      maximized: false,
    });
    fs.writeFileSync(file, '{"x": "left"');
    expect(readWindowState(file)).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ x: 0, y: 0, width: -5, height: 1e9 }));
    expect(readWindowState(file)).toBeNull();
  });

  it('keeps a restored window within the screen it is on and above the minimum size', () => {
    const placed = placeWindow(
      { x: 1800, y: 900, width: 3000, height: 200, maximized: false },
      [screen],
      defaults,
    );
    expect(placed.bounds).toEqual({ x: 0, y: 560, width: 1920, height: 480 });
  });
});
