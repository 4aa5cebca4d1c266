import type { TzRule } from './tz-rule';

/**
 * Windows time zone IDs for files that carry no TZDEFINITION key name (Outlook before 2007):
 * from Outlook's display name of the zone, or from the rule itself when only one common zone
 * has it. Outlook's display names changed over versions ("(GMT+01:00) Amsterdam, Berlin, …",
 * "(UTC+01:00) Amsterdam, Berlin, …"): the offset prefix is dropped and the place list matched.
 */
const BY_PLACES: Record<string, string> = {
  'coordinated universal time': 'UTC',
  'dublin, edinburgh, lisbon, london': 'GMT Standard Time',
  'greenwich mean time : dublin, edinburgh, lisbon, london': 'GMT Standard Time',
  'monrovia, reykjavik': 'Greenwich Standard Time',
  'casablanca, monrovia, reykjavik': 'Greenwich Standard Time',
  casablanca: 'Morocco Standard Time',
  'amsterdam, berlin, bern, rome, stockholm, vienna': 'W. Europe Standard Time',
  'belgrade, bratislava, budapest, ljubljana, prague': 'Central Europe Standard Time',
  'brussels, copenhagen, madrid, paris': 'Romance Standard Time',
  'sarajevo, skopje, warsaw, zagreb': 'Central European Standard Time',
  'west central africa': 'W. Central Africa Standard Time',
  'athens, bucharest': 'GTB Standard Time',
  'athens, bucharest, istanbul': 'GTB Standard Time',
  'helsinki, kyiv, riga, sofia, tallinn, vilnius': 'FLE Standard Time',
  'helsinki, kiev, riga, sofia, tallinn, vilnius': 'FLE Standard Time',
  jerusalem: 'Israel Standard Time',
  cairo: 'Egypt Standard Time',
  'harare, pretoria': 'South Africa Standard Time',
  istanbul: 'Turkey Standard Time',
  amman: 'Jordan Standard Time',
  beirut: 'Middle East Standard Time',
  damascus: 'Syria Standard Time',
  'moscow, st. petersburg': 'Russian Standard Time',
  'moscow, st. petersburg, volgograd': 'Russian Standard Time',
  'kuwait, riyadh': 'Arab Standard Time',
  nairobi: 'E. Africa Standard Time',
  baghdad: 'Arabic Standard Time',
  tehran: 'Iran Standard Time',
  'abu dhabi, muscat': 'Arabian Standard Time',
  baku: 'Azerbaijan Standard Time',
  tbilisi: 'Georgian Standard Time',
  yerevan: 'Caucasus Standard Time',
  kabul: 'Afghanistan Standard Time',
  tashkent: 'West Asia Standard Time',
  'islamabad, karachi, tashkent': 'West Asia Standard Time',
  'islamabad, karachi': 'Pakistan Standard Time',
  ekaterinburg: 'Ekaterinburg Standard Time',
  'chennai, kolkata, mumbai, new delhi': 'India Standard Time',
  'sri jayawardenepura': 'Sri Lanka Standard Time',
  kathmandu: 'Nepal Standard Time',
  dhaka: 'Bangladesh Standard Time',
  astana: 'Central Asia Standard Time',
  'yangon (rangoon)': 'Myanmar Standard Time',
  'bangkok, hanoi, jakarta': 'SE Asia Standard Time',
  krasnoyarsk: 'North Asia Standard Time',
  'beijing, chongqing, hong kong, urumqi': 'China Standard Time',
  'kuala lumpur, singapore': 'Singapore Standard Time',
  perth: 'W. Australia Standard Time',
  taipei: 'Taipei Standard Time',
  irkutsk: 'North Asia East Standard Time',
  'osaka, sapporo, tokyo': 'Tokyo Standard Time',
  seoul: 'Korea Standard Time',
  yakutsk: 'Yakutsk Standard Time',
  adelaide: 'Cen. Australia Standard Time',
  darwin: 'AUS Central Standard Time',
  brisbane: 'E. Australia Standard Time',
  'canberra, melbourne, sydney': 'AUS Eastern Standard Time',
  hobart: 'Tasmania Standard Time',
  'guam, port moresby': 'West Pacific Standard Time',
  vladivostok: 'Vladivostok Standard Time',
  'auckland, wellington': 'New Zealand Standard Time',
  fiji: 'Fiji Standard Time',
  "nuku'alofa": 'Tonga Standard Time',
  azores: 'Azores Standard Time',
  'cape verde is.': 'Cape Verde Standard Time',
  brasilia: 'E. South America Standard Time',
  'buenos aires': 'Argentina Standard Time',
  'city of buenos aires': 'Argentina Standard Time',
  santiago: 'Pacific SA Standard Time',
  caracas: 'Venezuela Standard Time',
  newfoundland: 'Newfoundland Standard Time',
  'atlantic time (canada)': 'Atlantic Standard Time',
  'bogota, lima, quito': 'SA Pacific Standard Time',
  'bogota, lima, quito, rio branco': 'SA Pacific Standard Time',
  'eastern time (us & canada)': 'Eastern Standard Time',
  'indiana (east)': 'US Eastern Standard Time',
  'central time (us & canada)': 'Central Standard Time',
  'guadalajara, mexico city, monterrey': 'Central Standard Time (Mexico)',
  saskatchewan: 'Canada Central Standard Time',
  'mountain time (us & canada)': 'Mountain Standard Time',
  arizona: 'US Mountain Standard Time',
  'pacific time (us & canada)': 'Pacific Standard Time',
  'pacific time (us & canada); tijuana': 'Pacific Standard Time',
  alaska: 'Alaskan Standard Time',
  hawaii: 'Hawaiian Standard Time',
};

export function zoneIdFromDescription(description: string): string | undefined {
  const places = description
    .trim()
    .replace(/^\((?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::\d\d)?)?\)\s*/i, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
  return BY_PLACES[places];
}

const US = { daylight: [3, 2], standard: [11, 1] }; // second Sunday of March, first Sunday of November (2007 on)
const EU = { daylight: [3, 5], standard: [10, 5] }; // last Sunday of March, last Sunday of October

/**
 * Rule sets read as a zone: UTC with no daylight time, the US rules at the five mainland/Alaska
 * offsets, the EU rules at UTC+0 (London) and UTC+1. Four Windows zones share the UTC+1 EU rules
 * (W. Europe, Romance, Central Europe, Central European) and have had the same clock changes
 * since 1996, so any of them keeps every occurrence at its time; W. Europe is named. Everything
 * else (the zones sharing UTC+2 with EU rules, every fixed offset but UTC) is left unnamed.
 */
export function zoneIdFromRule(r: TzRule): string | undefined {
  const noDst = r.standard.month === 0 || r.daylight.month === 0;
  if (noDst) return r.bias + r.standardBias === 0 ? 'UTC' : undefined;
  if (r.daylightBias - r.standardBias !== -60 || r.standard.year || r.daylight.year) return undefined;
  const is = (set: typeof US) =>
    r.daylight.month === set.daylight[0] && r.daylight.day === set.daylight[1] && r.daylight.dayOfWeek === 0 && r.standard.month === set.standard[0] && r.standard.day === set.standard[1] && r.standard.dayOfWeek === 0;
  const bias = r.bias + r.standardBias;
  if (is(US) && r.daylight.hour === 2 && r.standard.hour === 2) {
    return { 300: 'Eastern Standard Time', 360: 'Central Standard Time', 420: 'Mountain Standard Time', 480: 'Pacific Standard Time', 540: 'Alaskan Standard Time' }[bias];
  }
  if (is(EU) && bias === 0 && r.daylight.hour === 1 && r.standard.hour === 2) return 'GMT Standard Time';
  if (is(EU) && bias === -60 && r.daylight.hour === 2 && r.standard.hour === 3) return 'W. Europe Standard Time';
  return undefined;
}
