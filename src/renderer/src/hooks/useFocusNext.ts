import { useEffect, useRef } from 'react';

/**
 * Moves the keyboard focus, after the next render, to the element named by a
 * key: a control that replaces the one just used (Delete → Keep, Edit → the
 * text) takes the focus over instead of dropping it to the top of the page.
 */
export function useFocusNext<K extends string>(): {
  /** A callback ref that registers an element under `key`. */
  ref: (key: K) => (el: HTMLElement | null) => void;
  /** The element registered under `key` gets the focus once the page has rendered. */
  focusNext: (key: K) => void;
} {
  const elements = useRef(new Map<K, HTMLElement>());
  const next = useRef<K | null>(null);
  useEffect(() => {
    if (next.current === null) return;
    elements.current.get(next.current)?.focus();
    next.current = null;
  });
  return {
    ref: (key) => (el) => {
      if (el) elements.current.set(key, el);
      else elements.current.delete(key);
    },
    focusNext: (key) => {
      next.current = key;
    },
  };
}
