import { ACTIVITY_LABELS, type TurnActivity } from '../shared/turn-activity';

export interface IndicatorStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

export interface WorkingIndicatorOptions {
  /** Defaults to process.stderr. Nothing is drawn unless it is a terminal. */
  stream?: IndicatorStream;
  /** Defaults to 120 ms. */
  intervalMs?: number;
  /** Defaults to Date.now. */
  now?: () => number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR = '\r\x1b[2K';

/**
 * One line on stderr while the model works ("⠙ Searching memory… 12 s"),
 * so a long local generation never looks frozen. It hides while the reply
 * itself streams (the text shows the work) and leaves nothing behind.
 */
export function createWorkingIndicator(options: WorkingIndicatorOptions = {}) {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  let activity: TurnActivity | null = null;
  let since = 0;
  let frame = 0;
  let shown = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const draw = () => {
    if (!activity || activity === 'writing') return;
    const seconds = Math.floor((now() - since) / 1000);
    const glyph = FRAMES[frame++ % FRAMES.length] as string;
    stream.write(
      `${CLEAR}${glyph} ${ACTIVITY_LABELS[activity]}${seconds > 0 ? ` ${seconds} s` : ''}`,
    );
    shown = true;
  };
  const clear = () => {
    if (shown) stream.write(CLEAR);
    shown = false;
  };

  return {
    /** The turn's current activity; null when it is over. */
    set(next: TurnActivity | null): void {
      if (!tty || next === activity) return;
      if (activity === null) since = now();
      activity = next;
      if (next === null || next === 'writing') {
        clear();
        if (next === null && timer) {
          clearInterval(timer);
          timer = null;
        }
        return;
      }
      draw();
      timer ??= setInterval(draw, options.intervalMs ?? 120);
      timer.unref?.();
    },
    /** Erases the line before something else is printed on the terminal. */
    clear,
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
      activity = null;
      clear();
    },
  };
}
export type WorkingIndicator = ReturnType<typeof createWorkingIndicator>;
