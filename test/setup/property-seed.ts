import fc from 'fast-check';

// Property tests draw their cases from one fixed seed, so the suite gives the same verdict on every run and a
// failure can be replayed exactly. `npm run test:explore` (BALLAST_PROPERTY_SEED=random) draws new cases on every
// run to look for failures the fixed seed does not reach; any other number picks that seed. A test that passes its
// own seed keeps it.
const DEFAULT_SEED = 20_261_127;

const chosen = process.env.BALLAST_PROPERTY_SEED;
if (chosen !== 'random') {
  const seed = chosen === undefined || chosen === '' ? DEFAULT_SEED : Number(chosen);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`BALLAST_PROPERTY_SEED must be an integer or "random", not ${JSON.stringify(chosen)}`);
  }
  fc.configureGlobal({ seed });
}
