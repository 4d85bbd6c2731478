// Time zone abbreviations of the tz database (what Go prints for "MST") where ICU's en-US names differ.
//
// ICU names most zones outside North America "GMT+1" and the like; the tz database has letters
// for many of them. Keyed by zone, then by UTC offset in seconds (standard and daylight time).
import { lookupTable } from '../lookup-table.js';

const CET = { 3600: 'CET', 7200: 'CEST' };
const EET = { 7200: 'EET', 10800: 'EEST' };
const AEST = { 36000: 'AEST', 39600: 'AEDT' };

const ZONES: Record<string, Readonly<Record<number, string>>> = lookupTable({
  'Europe/London': { 0: 'GMT', 3600: 'BST' },
  'Europe/Dublin': { 0: 'GMT', 3600: 'IST' },
  'Europe/Lisbon': { 0: 'WET', 3600: 'WEST' },
  'Europe/Moscow': { 10800: 'MSK' },
  'Asia/Kolkata': { 19800: 'IST' },
  'Asia/Calcutta': { 19800: 'IST' },
  'Asia/Tokyo': { 32400: 'JST' },
  'Asia/Seoul': { 32400: 'KST' },
  'Asia/Shanghai': { 28800: 'CST' },
  'Asia/Taipei': { 28800: 'CST' },
  'Asia/Hong_Kong': { 28800: 'HKT' },
  'Asia/Manila': { 28800: 'PST' },
  'Asia/Jakarta': { 25200: 'WIB' },
  'Asia/Karachi': { 18000: 'PKT' },
  'Asia/Jerusalem': { 7200: 'IST', 10800: 'IDT' },
  'Africa/Johannesburg': { 7200: 'SAST' },
  'Africa/Lagos': { 3600: 'WAT' },
  'Africa/Nairobi': { 10800: 'EAT' },
  'Africa/Cairo': EET,
  'Australia/Sydney': AEST,
  'Australia/Melbourne': AEST,
  'Australia/Hobart': AEST,
  'Australia/Brisbane': { 36000: 'AEST' },
  'Australia/Adelaide': { 34200: 'ACST', 37800: 'ACDT' },
  'Australia/Darwin': { 34200: 'ACST' },
  'Australia/Perth': { 28800: 'AWST' },
  'Pacific/Auckland': { 43200: 'NZST', 46800: 'NZDT' },
  'America/Halifax': { [-14400]: 'AST', [-10800]: 'ADT' },
  'America/St_Johns': { [-12600]: 'NST', [-9000]: 'NDT' },
  'America/Mexico_City': { [-21600]: 'CST', [-18000]: 'CDT' },
});

for (const z of [
  'Berlin',
  'Paris',
  'Madrid',
  'Rome',
  'Amsterdam',
  'Brussels',
  'Vienna',
  'Zurich',
  'Stockholm',
  'Oslo',
  'Copenhagen',
  'Warsaw',
  'Prague',
  'Budapest',
  'Belgrade',
  'Luxembourg',
]) {
  ZONES[`Europe/${z}`] = CET;
}
for (const z of [
  'Athens',
  'Helsinki',
  'Kiev',
  'Kyiv',
  'Bucharest',
  'Sofia',
  'Riga',
  'Tallinn',
  'Vilnius',
]) {
  ZONES[`Europe/${z}`] = EET;
}

/** The tz database abbreviation of zone at a UTC offset, when this table knows it. */
export function tzAbbreviation(zone: string, offset: number): string | undefined {
  return ZONES[zone]?.[offset];
}
