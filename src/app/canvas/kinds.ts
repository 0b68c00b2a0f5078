import { NODE_KINDS, type NodeKind } from '../../core/model/types';

export interface KindInfo {
  id: NodeKind;
  label: string;
  /** A text glyph so kind never depends on colour alone. */
  icon: string;
}

const KINDS: Record<NodeKind, KindInfo> = {
  factor: { id: 'factor', label: 'Factor', icon: '●' },
  barrier: { id: 'barrier', label: 'Barrier', icon: '▲' },
  outcome: { id: 'outcome', label: 'Outcome', icon: '◆' },
  innovation: { id: 'innovation', label: 'Innovation', icon: '✦' },
};

/** Kinds written by a newer client are drawn as plain factors. */
export function kindInfo(kind: string): KindInfo {
  return (NODE_KINDS as readonly string[]).includes(kind) ? KINDS[kind as NodeKind] : KINDS.factor;
}

export const ALL_KINDS: readonly KindInfo[] = NODE_KINDS.map((k) => KINDS[k]);
