const SEND_MESSAGE = /"tool"\s*:\s*"send_message"/;
const TOOL_NAME = /"tool"\s*:\s*"([a-z_][a-z0-9_]*)"/;
const MESSAGE_START = /"message"\s*:\s*"/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Pulls the user-visible reply out of a step's JSON while it is still being
 * generated, so the UI can stream send_message text token by token.
 */
export class ReplyStreamer {
  private raw = '';
  private emitted = 0;
  private done = false;
  private toolSeen = false;

  /** `onTool` hears the tool's name as soon as it is generated, before its arguments. */
  constructor(
    private readonly emit: (text: string) => void,
    private readonly onTool?: (name: string) => void,
  ) {}

  push(chunk: string): void {
    if (this.done) return;
    this.raw += chunk;
    if (!this.toolSeen) {
      const name = TOOL_NAME.exec(this.raw);
      if (name) {
        this.toolSeen = true;
        this.onTool?.(name[1] as string);
      }
    }
    const tool = SEND_MESSAGE.exec(this.raw);
    if (!tool) return;
    const rest = this.raw.slice(tool.index + tool[0].length);
    const start = MESSAGE_START.exec(rest);
    if (!start) return;
    const { text, closed } = decodePartial(rest.slice(start.index + start[0].length));
    // Half an emoji (a chunk ending inside it, or the first of two \u
    // escapes) waits for its other half: emitted alone, a terminal or any
    // UTF-8 stream shows it as U+FFFD.
    const ready = !closed && endsInHighSurrogate(text) ? text.length - 1 : text.length;
    if (ready > this.emitted) {
      this.emit(text.slice(this.emitted, ready));
      this.emitted = ready;
    }
    if (closed) this.done = true;
  }
}

function endsInHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}

/** Decodes a JSON string body up to its closing quote, holding back an incomplete escape. */
function decodePartial(body: string): { text: string; closed: boolean } {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"') return { text: out, closed: true };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = body.slice(i + 2, i + 6);
      if (hex.length < 4) break;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
      continue;
    }
    out += ESCAPES[next] ?? next;
    i += 1;
  }
  return { text: out, closed: false };
}
