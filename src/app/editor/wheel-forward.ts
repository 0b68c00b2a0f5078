import { useEffect, type RefObject } from 'react';

/** Pixels a wheel "line" scrolls, as browsers take it. */
const LINE_PX = 16;

/** Whether `from` lies in a pane that scrolls up and down (the side panel, a list), full or not. */
function inScrollingPane(from: Element | null): boolean {
  for (let element = from; element && element !== document.documentElement; element = element.parentElement) {
    const { overflowY } = getComputedStyle(element);
    if (overflowY === 'auto' || overflowY === 'scroll') return true;
  }
  return false;
}

/**
 * Scrolls `target` with the wheel turned over the page's bars (above it), where nothing would
 * scroll: the page itself never scrolls, only its panes. A newcomer turning the wheel with the
 * pointer over the toolbar saw the text view stand still, and thought it would not scroll (the
 * ninth round). Passive: the browser's own scrolling is never held up or stopped.
 */
export function useWheelAnywhere(target: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onWheel = (event: WheelEvent) => {
      const pane = target.current;
      if (!pane || event.ctrlKey || event.deltaY === 0) return;
      const over = event.target instanceof Element ? event.target : null;
      if (over && (pane.contains(over) || inScrollingPane(over))) return;
      // Not over a dialog or a menu open on top of the page.
      if (over?.closest('dialog, [role="dialog"], [role="menu"]')) return;
      const unit = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? LINE_PX : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? pane.clientHeight : 1;
      pane.scrollBy({ top: event.deltaY * unit });
    };
    document.addEventListener('wheel', onWheel, { passive: true });
    return () => document.removeEventListener('wheel', onWheel);
  }, [target]);
}
