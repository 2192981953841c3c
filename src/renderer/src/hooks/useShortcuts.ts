import { useEffect } from 'react';

export interface ShortcutActions {
  view: (index: number) => void;
  focusComposer: () => void;
  toggleSidebar: () => void;
  help: () => void;
  newConversation?: () => void;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(
    el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)),
  );
}

/**
 * App-wide keys. Chosen not to collide with the browser's own (Ctrl+N, Ctrl+1…
 * are taken by Chromium): Alt+digit for views, "/" and Shift+Esc for the
 * composer, Ctrl/Cmd+Shift+O for a new conversation.
 */
export function useShortcuts(actions: ShortcutActions): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && /^Digit[1-9]$/.test(e.code)) {
        e.preventDefault();
        actions.view(Number(e.code.slice(5)) - 1);
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyB') {
        e.preventDefault();
        actions.toggleSidebar();
        return;
      }
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.code === 'KeyO' && actions.newConversation) {
        e.preventDefault();
        actions.newConversation();
        return;
      }
      if (e.key === 'Escape' && e.shiftKey) {
        e.preventDefault();
        actions.focusComposer();
        return;
      }
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') {
        e.preventDefault();
        actions.focusComposer();
      } else if (e.key === '?') {
        e.preventDefault();
        actions.help();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
