/**
 * x rounded half away from zero to `decimals` places, never -0. Binary floating point cannot hold most
 * decimal halves (1.005 is stored as 1.00499…), so the scaled value is first cut to 12 significant
 * digits, which drops that representation error but keeps every digit a figure here can really have.
 */
export function roundHalfAwayFromZero(x: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(x) * factor).toPrecision(12));
  const rounded = Math.round(scaled) / factor;
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}
