/**
 * Blanks secrets in records that come from or go into agent files (tool
 * records, metadata): Locus never needs a key or token to keep a tool as an
 * inert record, and an export must not carry one to whoever receives the file
 * (issue 22, item 7). Applied on import AND on export, so a record stored by
 * an older Locus is cleaned on its way out too.
 *
 * What is blanked (the value becomes ""):
 * - every value inside environment-variable and secret containers
 *   (tool_exec_environment_variables, secrets, env, ...), keeping the names;
 * - values under keys named like a secret (api_key, token, password, ...),
 *   and json_schema `default`/`example` values of such properties;
 * - anything that looks like a key or token wherever it appears (sk-…,
 *   ghp_…, AKIA…, JWTs, PEM private keys, Bearer …), inside longer text and
 *   source code too;
 * - string literals assigned to secret-named variables in source_code.
 */

const CONTAINERS = new Set([
  'tool_exec_environment_variables',
  'secrets',
  'env',
  'env_vars',
  'environment',
  'environment_variables',
]);
/** Inside a container these name a variable rather than hold its value. */
const NAME_KEYS = new Set(['key', 'name', 'description', 'label']);

const SECRET_NAME =
  /(?:^|[^a-z])(?:api_?key|apikey|secret|token|access_?token|refresh_?token|auth_?token|password|passwd|pwd|credentials?|private_?key|access_?key|client_?secret|session_?(?:id|key)|cookie)s?(?:$|[^a-z])/i;

const SECRET_VALUES: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bhf_[A-Za-z0-9]{30,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/g,
];

/** `name = "literal"` / `name: 'literal'` in code, with the literal captured. */
const ASSIGNED_LITERAL = /\b([A-Za-z_][\w]*)(\s*[:=]\s*)(["'])((?:(?!\3)[^\\\n]|\\.)*)\3/g;

function secretName(key: string): boolean {
  return SECRET_NAME.test(key.replace(/-/g, '_'));
}

export interface Redacted<T> {
  value: T;
  /** How many values were blanked. */
  blanked: number;
}

/** Removes what looks like a key or token from free text (and literals of secret-named variables in code). */
export function redactText(text: string, options: { code?: boolean } = {}): Redacted<string> {
  let blanked = 0;
  let out = text;
  for (const pattern of SECRET_VALUES) {
    out = out.replace(pattern, () => {
      blanked++;
      return '';
    });
  }
  if (options.code) {
    out = out.replace(
      ASSIGNED_LITERAL,
      (whole, name: string, op: string, quote: string, body: string) => {
        if (!secretName(name) || body === '') return whole;
        blanked++;
        return `${name}${op}${quote}${quote}`;
      },
    );
  }
  return { value: out, blanked };
}

type Mode = 'plain' | 'container' | 'secret';

/**
 * A copy of `value` with secrets blanked; the shape (keys, arrays, types of
 * non-secret values) is kept. Iterative, so deep nesting cannot overflow.
 */
export function redactSecrets<T>(value: T): Redacted<T> {
  let blanked = 0;
  const root: { value: unknown } = { value: undefined };
  const stack: Array<{ source: unknown; assign: (v: unknown) => void; mode: Mode; key: string }> = [
    { source: value, assign: (v) => (root.value = v), mode: 'plain', key: '' },
  ];
  while (stack.length > 0) {
    const { source, assign, mode, key } = stack.pop()!;
    if (typeof source === 'string') {
      if (mode === 'container' && !NAME_KEYS.has(key) && source !== '') {
        blanked++;
        assign('');
      } else if (mode === 'secret' && source !== '') {
        blanked++;
        assign('');
      } else {
        const cleaned = redactText(source, { code: key === 'source_code' });
        blanked += cleaned.blanked;
        assign(cleaned.value);
      }
      continue;
    }
    if (Array.isArray(source)) {
      const copy: unknown[] = new Array(source.length);
      assign(copy);
      source.forEach((item, i) =>
        stack.push({ source: item, assign: (v) => (copy[i] = v), mode, key }),
      );
      continue;
    }
    if (source !== null && typeof source === 'object') {
      // A null-prototype copy: keys such as __proto__ stay plain data.
      const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      assign(copy);
      for (const [childKey, child] of Object.entries(source)) {
        let childMode: Mode = mode;
        if (mode === 'plain') {
          if (CONTAINERS.has(childKey)) childMode = 'container';
          else if (secretName(childKey)) childMode = typeof child === 'string' ? 'secret' : 'plain';
        }
        // A secret-named schema property: its default and examples are values.
        if (
          mode === 'plain' &&
          secretName(key) &&
          /^(default|examples?|const|value)$/.test(childKey)
        )
          childMode = 'secret';
        stack.push({
          source: child,
          assign: (v) => (copy[childKey] = v),
          mode: childMode,
          key: childKey,
        });
      }
      continue;
    }
    assign(source);
  }
  // Back to ordinary objects for callers that serialise or spread them.
  return { value: JSON.parse(JSON.stringify(root.value ?? null)) as T, blanked };
}
