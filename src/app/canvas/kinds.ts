import { NODE_KINDS, type NodeKind } from '../../core/model/types';

export interface KindInfo {
  id: NodeKind;
  label: string;
  /** A text glyph so kind never depends on colour alone (the shape differs too, see styles.css). */
  icon: string;
  /** One line for people new to causal loop diagrams. */
  description: string;
}

const KINDS: Record<NodeKind, KindInfo> = {
  factor: { id: 'factor', label: 'Factor', icon: '●', description: 'something that can go up or down' },
  barrier: { id: 'barrier', label: 'Barrier', icon: '▲', description: 'something that gets in the way' },
  outcome: { id: 'outcome', label: 'Outcome', icon: '◆', description: 'a result people care about' },
  innovation: { id: 'innovation', label: 'Innovation', icon: '✦', description: 'good practice or a new way of working' },
};

/** Kinds written by a newer client are drawn as plain factors. */
export function kindInfo(kind: string): KindInfo {
  return (NODE_KINDS as readonly string[]).includes(kind) ? KINDS[kind as NodeKind] : KINDS.factor;
}

export const ALL_KINDS: readonly KindInfo[] = NODE_KINDS.map((k) => KINDS[k]);
