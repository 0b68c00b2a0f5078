/**
 * Dates and times as people here read them. One formatter each, made once: Date's toLocale*String
 * builds its formatter again on many calls, which showed in the time a click took to show a factor.
 */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** Date and time, e.g. "23/11/2026, 08:41:12". */
export function dateTimeText(at: number | string | Date): string {
  return DATE_TIME.format(new Date(at));
}

/** Time of day, e.g. "08:41:12". */
export function timeText(at: number | string | Date): string {
  return TIME.format(new Date(at));
}
