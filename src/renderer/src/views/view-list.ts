/** The app's views, in sidebar order; Alt+<n> switches to the n-th. */
export const VIEWS = [
  ['chat', 'Chat'],
  ['memory', 'Memory'],
  ['history', 'History'],
  ['activity', 'Activity'],
  ['context', 'Context'],
  ['files', 'Files'],
  ['agents', 'Agents'],
  ['models', 'Models & settings'],
] as const;
export type ViewId = (typeof VIEWS)[number][0];

export const SHORTCUTS: Array<[string, string]> = [
  ['Ctrl+Shift+O', 'new conversation (⌘⇧O on a Mac)'],
  ['Alt+1 … Alt+8', 'switch views (in sidebar order)'],
  ['/ or Shift+Esc', 'focus the message box'],
  ['Alt+B', 'show or hide the sidebar'],
  ['?', 'this list'],
];
