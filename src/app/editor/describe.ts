import { MEADOWS_LEVELS, type MapEdge, type Polarity } from '../../core/model/types';

/**
 * The map in words, for the text view, screen readers and the clipboard:
 * "Short-term funding increases staff turnover, after a delay".
 */

const VERB: Record<Polarity, string> = {
  '+': 'increases',
  '-': 'decreases',
  '?': 'affects (direction not agreed)',
};

const PASSIVE: Record<Polarity, string> = {
  '+': 'is increased by',
  '-': 'is decreased by',
  '?': 'is affected (direction not agreed) by',
};

export const POLARITY_NAMES: Record<Polarity, string> = {
  '+': 'same direction (+)',
  '-': 'opposite direction (−)',
  '?': 'not agreed (?)',
};

/** The polarity glyph as drawn: a true minus sign, not a hyphen. */
export const POLARITY_GLYPH: Record<Polarity, string> = { '+': '+', '-': '−', '?': '?' };

export function nextPolarity(polarity: Polarity): Polarity {
  return polarity === '+' ? '-' : polarity === '-' ? '?' : '+';
}

/**
 * A label in the middle of a sentence: "Staff turnover" reads as "staff
 * turnover", but "NHS capacity" and "A&E waits" keep their capitals. Only a
 * first word written Capitalised-then-lowercase is lowered.
 */
export function inSentence(label: string): string {
  const first = label.split(/\s/, 1)[0] ?? '';
  // Punctuation after the word does not count: "Women-specific, gender-informed provision".
  if (/^[A-Z][a-z'’-]+[,;:.]?$/.test(first)) return label[0]!.toLowerCase() + label.slice(1);
  return label;
}

export function labelText(label: string): string {
  return label.trim() || 'Untitled factor';
}

export function linkSentence(link: Pick<MapEdge, 'polarity' | 'delay'>, source: string, target: string): string {
  const tail = link.delay ? ', after a delay' : '';
  return `${labelText(source)} ${VERB[link.polarity]} ${inSentence(labelText(target))}${tail}`;
}

export function incomingSentence(link: Pick<MapEdge, 'polarity' | 'delay'>, source: string, target: string): string {
  const tail = link.delay ? ', after a delay' : '';
  return `${labelText(target)} ${PASSIVE[link.polarity]} ${inSentence(labelText(source))}${tail}`;
}

export function meadowsLevel(level: number): { level: number; name: string; explanation: string } | null {
  return MEADOWS_LEVELS.find((m) => m.level === level) ?? null;
}

export function leverageText(level: number): string {
  const info = meadowsLevel(level);
  return info ? `Leverage point, level ${level}: ${info.name}` : `Leverage point, level ${level}`;
}
