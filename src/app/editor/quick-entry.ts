import type { Polarity } from '../../core/model/types';
import { LabelIndex, normalise, type Labelled } from './fuzzy';

/**
 * Quick entry: one line of text becomes factors and links, for a
 * facilitator transcribing what people say.
 *
 *   Short-term funding -> + Staff turnover
 *   Staff turnover -> - Continuity of support, delay
 *   Trust -> ? Engagement -> + Trust
 *
 * A side in "quotes" is taken literally (never fuzzy-matched). Without an
 * arrow, the line is one factor.
 */

export interface ParsedLink { polarity: Polarity; delay: boolean }
export interface ParsedLine {
  /** Labels in order; link i joins labels i and i+1. */
  labels: { text: string; literal: boolean }[];
  links: ParsedLink[];
}

export class QuickEntryError extends Error {
  override name = 'QuickEntryError';
}

const ARROW = /\s*(?:-->|->|→|⟶|=>)\s*/;
const POLARITY_PREFIX = /^([+\-−–?])(?:\s+|$)/;
const DELAY_PREFIX = /^(?:delay|delayed|‖|\|\|)\s+/i;
const DELAY_SUFFIX = /(?:\s*,\s*|\s+)(?:\(?delay(?:ed)?\)?|‖|\|\|)$/i;

function polarityOf(symbol: string): Polarity {
  if (symbol === '?') return '?';
  return symbol === '+' ? '+' : '-';
}

function label(raw: string, where: string): { text: string; literal: boolean } {
  let text = raw.trim();
  let literal = false;
  const quoted = /^["“'‘](.*)["”'’]$/.exec(text);
  if (quoted) {
    text = quoted[1]!.trim();
    literal = true;
  }
  if (!text) throw new QuickEntryError(`Type a factor's name ${where}.`);
  return { text, literal };
}

export function parseQuickEntry(line: string): ParsedLine {
  const trimmed = line.trim();
  if (!trimmed) throw new QuickEntryError('Type a factor, or a link such as: Short-term funding -> + Staff turnover');
  const parts = trimmed.split(ARROW);
  const labels: ParsedLine['labels'] = [];
  const links: ParsedLink[] = [];
  labels.push(label(parts[0]!, 'before ->'));
  for (let i = 1; i < parts.length; i++) {
    let part = parts[i]!.trim();
    let polarity: Polarity = '+';
    let delay = false;
    const sign = POLARITY_PREFIX.exec(part);
    if (sign) {
      polarity = polarityOf(sign[1]!);
      part = part.slice(sign[0].length);
    }
    if (DELAY_PREFIX.test(part)) {
      delay = true;
      part = part.replace(DELAY_PREFIX, '');
    }
    if (DELAY_SUFFIX.test(part)) {
      delay = true;
      part = part.replace(DELAY_SUFFIX, '');
    }
    labels.push(label(part, 'after ->'));
    links.push({ polarity, delay });
  }
  return { labels, links };
}

export interface PlannedFactor {
  label: string;
  /** An existing factor this side means, or null for a new one. */
  existingId: string | null;
  /** The existing factor's label when it was found by fuzzy match (shown so the person can check). */
  matchedLabel: string | null;
}

export interface Plan {
  factors: PlannedFactor[];
  links: { from: number; to: number; polarity: Polarity; delay: boolean }[];
}

/** Decides which sides are existing factors (exact, then fuzzy) and which are new. */
export function planQuickEntry<T extends Labelled>(parsed: ParsedLine, index: LabelIndex<T>, options: { fuzzy?: boolean } = {}): Plan {
  const fuzzy = options.fuzzy ?? true;
  const factors: PlannedFactor[] = [];
  const slotOf = new Map<string, number>();
  const slots: number[] = [];
  for (const side of parsed.labels) {
    const exact = index.exactMatch(side.text);
    const match = side.literal || !fuzzy ? (exact ? { item: exact, exact: true } : null) : index.bestMatch(side.text);
    const key = match ? `id:${match.item.id}` : `new:${normalise(side.text)}`;
    let slot = slotOf.get(key);
    if (slot === undefined) {
      slot = factors.length;
      slotOf.set(key, slot);
      factors.push({
        label: match ? match.item.label : side.text,
        existingId: match ? match.item.id : null,
        matchedLabel: match && !match.exact ? match.item.label : null,
      });
    }
    slots.push(slot);
  }
  const links = parsed.links.map((link, i) => ({ from: slots[i]!, to: slots[i + 1]!, ...link }));
  return { factors, links };
}

/** What pressing Enter will do, in words. */
export function describePlan(plan: Plan): string {
  const name = (i: number) => {
    const f = plan.factors[i]!;
    if (f.existingId === null) return `“${f.label}” (new)`;
    return f.matchedLabel ? `“${f.matchedLabel}” (matched)` : `“${f.label}”`;
  };
  if (plan.links.length === 0) return plan.factors[0]!.existingId ? `${name(0)} is already on the map.` : `Adds ${name(0)}.`;
  const verbs = { '+': '+', '-': '−', '?': '?' } as const;
  return plan.links.map((l) => `${name(l.from)} → ${verbs[l.polarity]} ${name(l.to)}${l.delay ? ', delay' : ''}`).join('; ');
}
