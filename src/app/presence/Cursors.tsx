import { useStore } from '@xyflow/react';
import { useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import type { Presence } from '../../sync/presence';
import { useTopLayer } from '../canvas/edge-label-layer';

/**
 * Other people's pointers, placed in flow coordinates so zoom and pan do not
 * matter, drawn at a constant size, and eased between the ~20 updates a second.
 */
export function Cursors({ presence }: { presence: Presence }) {
  const people = useSyncExternalStore(presence.subscribe, presence.getPeople);
  const zoom = useStore((s) => s.transform[2]);
  const layer = useTopLayer();
  if (!layer) return null;
  return createPortal(
    <>
      {people
        .filter((p) => !p.isSelf && p.cursor && !p.idle)
        .map((p) => (
          <div
            key={p.clientId}
            className="cursor"
            style={{ transform: `translate(${p.cursor!.x}px, ${p.cursor!.y}px) scale(${1 / zoom})` }}
            data-testid="remote-cursor"
            aria-hidden="true"
          >
            <svg width="18" height="18" viewBox="0 0 18 18" className="cursor__arrow">
              <path d="M1 1 L1 15 L5 11 L8 17 L11 16 L8 10 L14 10 Z" fill={p.user.colour} stroke="#fff" strokeWidth="1.2" />
            </svg>
            <span className="cursor__name" style={{ background: p.user.colour }}>{p.user.name}</span>
          </div>
        ))}
    </>,
    layer,
  );
}
