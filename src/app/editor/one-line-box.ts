import { useLayoutEffect, type RefObject } from 'react';

/**
 * A name is one line of text, but a long one. In an `<input>` it scrolls sideways and the person
 * sees only its end while typing (a newcomer could not check what they had written), so names are
 * typed in a textarea that wraps like the label on the canvas and grows a line at a time instead.
 * CSS `field-sizing: content` would do the growing, but not in every browser people bring.
 */
export function useGrowToFit(ref: RefObject<HTMLTextAreaElement | null>, text: string, enabled = true): void {
  useLayoutEffect(() => {
    const box = ref.current;
    if (box && enabled) growToFit(box);
  }, [ref, text, enabled]);
}

/** Sets a textarea's height to show all its text, borders included. */
export function growToFit(box: HTMLTextAreaElement): void {
  box.style.height = 'auto';
  const style = getComputedStyle(box);
  const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
  box.style.height = `${box.scrollHeight + (style.boxSizing === 'border-box' ? borders : 0)}px`;
}

/** Line breaks pasted into a name become spaces: Enter keeps the name, so a break could never be typed. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
