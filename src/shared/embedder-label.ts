/** The built-in sentence model's embedder name (core/models/builtin-embedder.ts). */
export const BUILTIN_EMBEDDER_NAME = 'use-lite-512';

/** An embedder's name as a person should read it (app and CLI). */
export function embedderLabel(name: string): string {
  if (name === BUILTIN_EMBEDDER_NAME) {
    return 'Built-in sentence model (Universal Sentence Encoder lite, English)';
  }
  return name.replace(/^transformers:/, '').replace(/:q8$|:fp32$/, '');
}
