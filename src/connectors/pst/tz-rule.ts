/** The time-zone rules of Outlook's binary time-zone structures (see timezone.ts). */

/** A SYSTEMTIME used as a transition rule: year 0 = "the `day`th (5 = last) `dayOfWeek` of `month`". */
export interface Transition {
  year: number;
  month: number;
  dayOfWeek: number;
  day: number;
  hour: number;
  minute: number;
}

/** One rule: UTC = local + bias + (standardBias | daylightBias), in minutes. */
export interface TzRule {
  /** First year the rule applies to (0: always). */
  fromYear: number;
  bias: number;
  standardBias: number;
  daylightBias: number;
  /** When daylight time ends (in daylight local time); month 0: no daylight saving. */
  standard: Transition;
  /** When daylight time starts (in standard local time). */
  daylight: Transition;
}
