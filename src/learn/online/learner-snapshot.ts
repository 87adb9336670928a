/**
 * The learners' snapshot format: the configuration, the clock, the random generator's state, then each part in
 * turn; item-level parts go to the shared bytes, each person's rows where the writer puts them (person-bytes.ts).
 */
import { allFloat32 } from '../../core/float32.ts';
import { MoteurError } from '../../core/errors.ts';
import { readHeader, writeHeader } from './bytes.ts';
import { encodedNow, type Encoding } from './encoding.ts';
import type { OnlineConfigOverrides } from './config.ts';
import { resolveOnlineConfig } from './config.ts';
import { DurationBaseline } from './duration-baseline.ts';
import { OpenExposures } from './exposures.ts';
import { Factorization } from './factorization.ts';
import { LearnedParts } from './learned-parts.ts';
import { NewestByKey } from './newest-by-key.ts';
import type { PersonReader, PersonWriter } from './person-bytes.ts';
import { Swing } from './swing.ts';
import { TasteProfiles } from './taste.ts';
import { VideoCatalog } from './video-catalog.ts';
import { VideoCounters } from './video-counters.ts';

const MAGIC = 'moteur-online-learners';
const FORMAT = 3;

/** Everything learned: item-level state into `out.shared`, each person's rows where `out` puts them. */
export function writeLearnedParts(parts: LearnedParts, out: PersonWriter): void {
  const w = out.shared;
  writeHeader(w, MAGIC, FORMAT);
  w.str(JSON.stringify(parts.config));
  w.f64(parts.clock);
  w.f64(parts.events);
  w.u32(parts.rng.state);
  parts.catalog.write(w);
  parts.newest.write(w);
  parts.counters.write(w);
  parts.baseline.write(w);
  parts.factorization.write(out);
  parts.taste.write(out);
  parts.swing.write(out);
  parts.exposures.write(out);
  parts.ranker.write(w);
}

/**
 * Everything learned as it is now, to encode later in slices (see encoding.ts) into the same bytes as
 * `writeLearnedParts`; until `thawLearnedParts`, what the frozen copy shares is copied before it changes.
 */
export function freezeLearnedParts(parts: LearnedParts): (out: PersonWriter) => Encoding {
  const head = encodedNow((w) => {
    writeHeader(w, MAGIC, FORMAT);
    w.str(JSON.stringify(parts.config));
    w.f64(parts.clock);
    w.f64(parts.events);
    w.u32(parts.rng.state);
  });
  const catalog = parts.catalog.freeze();
  const newest = parts.newest.freeze();
  const counters = parts.counters.freeze();
  const baseline = encodedNow((w) => parts.baseline.write(w));
  const factorization = parts.factorization.freeze();
  const taste = parts.taste.freeze();
  const swing = parts.swing.freeze();
  const exposures = parts.exposures.freeze();
  const ranker = encodedNow((w) => parts.ranker.write(w));
  return function* (out) {
    const w = out.shared;
    yield* head(w);
    yield* catalog(w);
    yield* newest(w);
    yield* counters(w);
    yield* baseline(w);
    yield* factorization(out);
    yield* taste(out);
    yield* swing(out);
    yield* exposures(out);
    yield* ranker(w);
  };
}

/** The frozen copy is encoded (or given up): nothing needs copying before it changes any more. */
export function thawLearnedParts(parts: LearnedParts): void {
  parts.catalog.thaw();
  parts.counters.thaw();
  parts.newest.thaw();
  parts.taste.thaw();
  parts.swing.thaw();
  parts.exposures.thaw();
}

/** The parts as `writeLearnedParts` left them, with the configuration they were saved with. */
export function readLearnedParts(input: PersonReader): LearnedParts {
  const r = input.shared;
  readHeader(r, MAGIC, FORMAT, 'a learner snapshot');
  const config = resolveOnlineConfig(JSON.parse(r.str()) as OnlineConfigOverrides);
  const clock = r.f64();
  const events = r.f64();
  const rngState = r.u32();
  const catalog = VideoCatalog.read(r, config.contentDim);
  const newest = NewestByKey.read(r, config.recentVideosPerKey);
  const counters = VideoCounters.read(r, config.statsHalfLifeMs);
  const baseline = DurationBaseline.read(r);
  const factorization = new Factorization(config, catalog);
  factorization.read(input);
  const taste = TasteProfiles.read(input, config.tasteHalfLifeMs, config.tasteKeysPerUser);
  const swing = Swing.read(input, config.swing);
  const exposures = OpenExposures.read(input, config.exposure.windowMs, config.exposure.openPerUser);
  const parts = new LearnedParts(config, { catalog, newest, counters, baseline, factorization, taste, swing, exposures });
  parts.clock = clock;
  parts.events = events;
  parts.rng.state = rngState;
  parts.ranker.read(r);
  if (!holdsFiniteOnly(parts)) throw new MoteurError('snapshot_not_finite', 'the learners in it hold non-finite numbers');
  for (let slot = 0; slot < catalog.size; slot++) parts.refreshVector(slot);
  return parts;
}

function holdsFiniteOnly(parts: LearnedParts): boolean {
  const { factorization: f } = parts;
  return (
    parts.catalog.holdsFiniteOnly() &&
    parts.counters.holdsFiniteOnly() &&
    parts.ranker.holdsFiniteOnly() &&
    f.users.holdsFiniteOnly() &&
    f.videos.holdsFiniteOnly() &&
    allFloat32(f.projection)
  );
}
