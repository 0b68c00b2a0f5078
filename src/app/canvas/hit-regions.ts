/*
 * Why this exists: Chromium keeps, for each layer, the region of the page where a wheel or touch
 * must first ask the page before scrolling or zooming. It builds that region from every element
 * drawn under a blocking wheel listener or `touch-action: none`, and builds it again on every
 * frame in which anything moves. React Flow puts both on the canvas, so with a whole map of 1,000
 * factors and 2,000 links in view each frame of a pan or a drag spent ~10 ms on it for the wheel
 * listener and as much again for `touch-action` (measured with a trace of a pan; bench/RESULTS.md).
 *
 * So: `touch-action: none` only where there is touch input (canvas-gesture.css, `has-touch`), and
 * the wheel listener is taken off for the length of a pan by pointer or a drag of factors, when
 * no wheel is in play, and put back at its end.
 */
import { select } from 'd3-selection';
import { useCallback, useEffect, useRef, type PointerEvent, type RefObject } from 'react';

/** Whether the device has a touch screen or a pen (one is enough: a laptop with a touch screen). */
export function hasTouchInput(): boolean {
  return (typeof navigator !== 'undefined' && navigator.maxTouchPoints > 0)
    || (typeof matchMedia === 'function' && matchMedia('(any-pointer: coarse)').matches);
}

/** React Flow's zoom behaviour (d3-zoom) listens for the wheel under this name on its renderer element. */
const WHEEL = 'wheel.zoom';

type WheelListener = (this: Element, event: WheelEvent, datum: unknown) => void;

/**
 * Takes the canvas's wheel listener off until the returned function is called. Does nothing when
 * there is none (another version of React Flow): the canvas is then only slower, never broken.
 */
export function pauseWheel(renderer: Element | null): () => void {
  if (!renderer) return () => {};
  const selection = select<Element, unknown>(renderer);
  const listener = selection.on(WHEEL) as WheelListener | undefined;
  if (!listener) return () => {};
  selection.on(WHEEL, null);
  return () => {
    // React Flow may have put its own (newer) listener back meanwhile; that one wins.
    if (!selection.on(WHEEL)) selection.on(WHEEL, listener, { passive: false });
  };
}

/**
 * The canvas's side of the above, for the element holding React Flow: marks it `has-touch` when
 * the device says so or a finger or pen presses on it, and pauses the wheel from `pause()` to
 * `resume()` (a pan by pointer or a drag; also resumed when the canvas goes).
 */
export function useGestureHitRegions(container: RefObject<HTMLElement | null>) {
  useEffect(() => {
    container.current?.classList.toggle('has-touch', hasTouchInput());
  }, [container]);
  const onPointerDownCapture = useCallback((event: PointerEvent) => {
    if (event.pointerType !== 'mouse') container.current?.classList.add('has-touch');
  }, [container]);
  const resumeNow = useRef<(() => void) | null>(null);
  const pause = useCallback(() => {
    resumeNow.current ??= pauseWheel(container.current?.querySelector('.react-flow__renderer') ?? null);
  }, [container]);
  const resume = useCallback(() => {
    resumeNow.current?.();
    resumeNow.current = null;
  }, []);
  useEffect(() => resume, [resume]);
  return { pause, resume, onPointerDownCapture };
}
