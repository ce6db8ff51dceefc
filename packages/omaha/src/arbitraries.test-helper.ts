import fc from 'fast-check';
import type {
  OmahaAction,
  OmahaAppRequest,
  OmahaAppResponse,
  OmahaManifest,
  OmahaPackage,
  OmahaRequest,
  OmahaResponse,
} from './model.js';

// Generators of Omaha models for property tests. `xmlText` draws from characters that survive an XML round trip;
// `anyText` adds what does not (controls, lone surrogates, U+FFFE) to compare escaping with the references.

const specials = fc.constantFrom('"', "'", '&', '<', '>', '&amp;', ']]>', '\r', '\r\n', 'Ω', '😀', ' ', '{', '}', '=');
const xmlChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 2, arbitrary: specials },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

/** Text made only of XML characters, without literal tab or newline (which attribute normalisation turns to spaces). */
export const xmlText: fc.Arbitrary<string> = fc
  .array(xmlChar, { maxLength: 4 })
  .map((parts) => parts.join('').replace(/[\t\n]/g, ' '));

/** Any JavaScript string, including characters XML cannot carry. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: xmlText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\u0000', '\u0001', '\ud800', '\udfff', '\ufffe', '\uffff') },
);

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** `T` with every property that may be undefined made optional instead. */
type Compacted<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Removes the keys whose value is undefined, as the parsers leave absent attributes out. */
function compact<T extends object>(value: T): Compacted<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compacted<T>;
}

/** Any request model. */
export function requestArbitrary(text: fc.Arbitrary<string> = xmlText): fc.Arbitrary<OmahaRequest> {
  const s = opt(text);
  const app: fc.Arbitrary<OmahaAppRequest> = fc
    .record({
      appId: text,
      version: s,
      track: s,
      bootId: s,
      oem: s,
      oemVersion: s,
      alephVersion: s,
      machineId: s,
      machineAlias: s,
      lang: s,
      board: s,
      hardwareClass: s,
      deltaOkay: opt(fc.boolean()),
      fromTrack: s,
      nextVersion: s,
      client: s,
      installAge: s,
      multiManifestOk: opt(fc.boolean()),
      ping: opt(
        fc.record({ active: opt(int32), lastActiveDays: opt(int32), lastRollCallDays: opt(int32) }).map(compact),
      ),
      updateCheck: opt(fc.record({ targetVersionPrefix: s }).map(compact)),
      events: fc.array(
        fc
          .record({
            type: int32,
            result: int32,
            errorCode: opt(fc.integer({ min: -0x80000000, max: 0xffffffff })),
            previousVersion: s,
            nextVersion: s,
          })
          .map(compact),
        { maxLength: 3 },
      ),
    })
    .map(compact);
  return fc
    .record({
      protocol: fc.constant('3.0'),
      version: s,
      updaterVersion: s,
      installSource: s,
      isMachine: opt(int32),
      requestId: s,
      sessionId: s,
      userId: s,
      testSource: s,
      os: opt(fc.record({ platform: s, version: s, sp: s, arch: s }).map(compact)),
      apps: fc.array(app, { maxLength: 3 }),
    })
    .map(compact);
}

/**
 * A response model. With `goShape`, it follows go-omaha's struct tags: fields Go always writes are always set, and
 * `omitempty` fields are either absent or non-empty (true for booleans), so Go and we have the same thing to write.
 */
export function responseArbitrary(
  options: { text?: fc.Arbitrary<string>; goShape?: boolean } = {},
): fc.Arbitrary<OmahaResponse> {
  const text = options.text ?? xmlText;
  const go = options.goShape ?? false;
  const always = go ? text : opt(text);
  const omitEmpty = opt(go ? text.filter((t) => t !== '') : text);
  const flag = opt(go ? fc.constant(true) : fc.boolean());
  const status = fc.record({ status: always }).map(compact);
  const pkg: fc.Arbitrary<OmahaPackage> = fc
    .record({
      name: always,
      hash: always,
      hashSha256: omitEmpty,
      size: go ? fc.maxSafeNat() : opt(fc.maxSafeNat()),
      required: go ? fc.boolean() : opt(fc.boolean()),
    })
    .map(compact);
  const action: fc.Arbitrary<OmahaAction> = fc
    .record({
      event: always,
      displayVersion: omitEmpty,
      sha256: omitEmpty,
      needsAdmin: flag,
      isDeltaPayload: flag,
      disablePayloadBackoff: flag,
      maxFailureCountPerUrl: opt(fc.integer({ min: go ? 1 : 0, max: 0xffffffff })),
      metadataSignatureRsa: omitEmpty,
      metadataSize: omitEmpty,
      deadline: omitEmpty,
      moreInfo: omitEmpty,
      prompt: flag,
    })
    .map(compact);
  const manifest: fc.Arbitrary<OmahaManifest> = fc
    .record({
      version: always,
      isFloor: flag,
      floorReason: omitEmpty,
      isTarget: flag,
      packages: fc.array(pkg, { maxLength: 2 }),
      actions: fc.array(action, { maxLength: 2 }),
    })
    .map(compact);
  const app: fc.Arbitrary<OmahaAppResponse> = fc
    .record({
      appId: omitEmpty,
      status: omitEmpty,
      ping: opt(status),
      updateCheck: opt(
        fc
          .record({
            status: omitEmpty,
            pollInterval: go ? fc.constant(undefined) : opt(int32),
            urls: fc.array(text, { maxLength: 2 }),
            manifests: fc.array(manifest, { maxLength: 2 }),
          })
          .map(compact),
      ),
      events: fc.array(status, { maxLength: 2 }),
    })
    .map(compact);
  return fc
    .record({
      protocol: always,
      server: always,
      dayStart: go ? fc.record({ elapsedSeconds: text }) : opt(fc.record({ elapsedSeconds: opt(text) }).map(compact)),
      apps: fc.array(app, { maxLength: 2 }),
    })
    .map(compact);
}
