/**
 * Length units as microscopy files spell them → micrometres per unit. ImageJ writes `micron`,
 * `um` or `µm` (and older files `\u00B5m` escaped); OME uses the UCUM-like symbols (`µm`, `nm`, …).
 */
const MICROMETRES_PER_UNIT: Record<string, number> = {
  micron: 1,
  microns: 1,
  micrometer: 1,
  micrometre: 1,
  micrometers: 1,
  um: 1,
  'µm': 1,
  'μm': 1, // Greek mu, not the micro sign
  nm: 1e-3,
  nanometer: 1e-3,
  nanometre: 1e-3,
  nanometers: 1e-3,
  pm: 1e-6,
  'å': 1e-4,
  angstrom: 1e-4,
  mm: 1e3,
  millimeter: 1e3,
  millimetre: 1e3,
  cm: 1e4,
  centimeter: 1e4,
  m: 1e6,
  meter: 1e6,
  metre: 1e6,
  inch: 25400,
  in: 25400,
};

/**
 * Micrometres per `unit`, `undefined` for an unknown spelling, `null` for "no physical unit"
 * (ImageJ's `pixel`, an empty unit).
 */
export function micrometresPer(unit: string | undefined): number | null | undefined {
  if (unit === undefined) return undefined;
  const u = unit.replace(/\\u00B5/gi, 'µ').trim().toLowerCase();
  if (u === '' || u === 'pixel' || u === 'pixels' || u === 'px') return null;
  return MICROMETRES_PER_UNIT[u];
}
