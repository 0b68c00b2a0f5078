import type { CSSProperties } from 'react';

/**
 * The → knob that starts a link, on the middle of each factor's right edge: its size across and
 * how far its outer side stands out from the factor (map units). One definition for where the knob
 * is drawn (FactorNodeView) and where links keep their arrowheads and signs off it (link-routes).
 */
export const KNOB = { across: 30, out: 31 } as const;

/** The knob's size and place, as the style of React Flow's handle. */
export const KNOB_STYLE: CSSProperties = { width: KNOB.across, height: KNOB.across, right: -KNOB.out, top: `calc(50% - ${KNOB.across / 2}px)` };

/** The knob's box beside a factor's box (map units): signs and the link toolbar keep off it as they keep off factors. */
export function knobBox(box: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number } {
  return { x: box.x + box.width + KNOB.out - KNOB.across, y: box.y + box.height / 2 - KNOB.across / 2, width: KNOB.across, height: KNOB.across };
}
