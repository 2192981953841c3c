import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from '../storage/durable-files';

/**
 * The main window's size, place and maximized state, kept between starts so
 * Locus reopens where the user left it. Pure apart from the file: the shell
 * passes in the screens' work areas (Electron's screen module).
 */
const MAX_SIDE = 100_000;
const side = z.number().int().min(1).max(MAX_SIDE);
const coordinate = z.number().int().min(-MAX_SIDE).max(MAX_SIDE);
const WindowStateSchema = z.object({
  x: coordinate,
  y: coordinate,
  width: side,
  height: side,
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The saved state, or null when there is none or it is damaged (then the defaults apply). */
export function readWindowState(file: string): WindowState | null {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written on close; a failed write only means the next start uses the defaults. */
export function writeWindowState(file: string, state: WindowState): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const whole = { ...state };
    for (const key of ['x', 'y', 'width', 'height'] as const) whole[key] = Math.round(state[key]);
    writeFileDurably(file, JSON.stringify(whole));
  } catch {
    // Nothing to tell the user at quit time: the window state is a convenience.
  }
}

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

const clamp = (value: number, low: number, high: number) =>
  Math.min(Math.max(value, low), Math.max(low, high));

/**
 * Where the window opens: the saved place, moved and shrunk onto the screen
 * it mostly was on; the default size (placed by the system) when nothing is
 * saved or that screen is gone (a window off every screen cannot be reached).
 */
export function placeWindow(
  saved: WindowState | null,
  workAreas: Rectangle[],
  defaults: { width: number; height: number; minWidth: number; minHeight: number },
): { bounds: Partial<Rectangle> & { width: number; height: number }; maximized: boolean } {
  const fallback = { bounds: { width: defaults.width, height: defaults.height }, maximized: false };
  if (!saved) return fallback;
  let best: Rectangle | undefined;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const shared = overlap(saved, area);
    if (shared > bestOverlap) [best, bestOverlap] = [area, shared];
  }
  if (!best) return fallback;
  const width = clamp(saved.width, defaults.minWidth, best.width);
  const height = clamp(saved.height, defaults.minHeight, best.height);
  return {
    bounds: {
      x: clamp(saved.x, best.x, best.x + best.width - width),
      y: clamp(saved.y, best.y, best.y + best.height - height),
      width: Math.min(width, best.width),
      height: Math.min(height, best.height),
    },
    maximized: saved.maximized,
  };
}
