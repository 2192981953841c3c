/**
 * An agent file's bytes as text. Files are meant to be UTF-8, but a BOM
 * (Windows editors write one) made JSON.parse refuse the file, UTF-16 files
 * were unreadable and Latin-1 text became unreadable characters without a
 * word (issue 22, item 13). Returns the text and, when the bytes were not
 * plain UTF-8, a note saying how they were read.
 */
export function decodeAgentFileBytes(bytes: Uint8Array): { text: string; note: string | null } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), note: null };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return {
      text: new TextDecoder('utf-16le').decode(bytes.subarray(2)),
      note: 'The file is UTF-16 (little-endian); it was converted.',
    };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return {
      text: new TextDecoder('utf-16be').decode(bytes.subarray(2)),
      note: 'The file is UTF-16 (big-endian); it was converted.',
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), note: null };
  } catch {
    // Not UTF-8: Latin-1 (as Windows-1252, which is what "latin1" means to
    // TextDecoder) is by far the most common other encoding for such files.
    return {
      text: new TextDecoder('windows-1252').decode(bytes),
      note: 'The file is not UTF-8; it was read as Latin-1 (Windows-1252). Check accented letters in names and messages.',
    };
  }
}
