/**
 * The suite in four tiers (jest projects), run through scripts/test.js, which trusts the emulator's
 * CA (NODE_EXTRA_CA_CERTS) before Node starts, builds dist/ once for the tiers that read it and picks
 * the workers. `npm test` runs all four in one jest run (one --json report for CI); `npm run
 * test:<tier>` runs one. README "## Tests" says which to run when.
 *
 * - unit: pure code, no emulator, no child process.
 * - integration: in-process against the HTTPS emulator (one per test file, on a random port), and the
 *   emulator's own CLI; everything not listed in the other tiers lands here.
 * - engine: the real Pulumi CLI (each test its own temporary project, PULUMI_HOME and file:// backend).
 * - packaging: what a consumer installs: npm pack, a git install, stacks of earlier releases moving onto the plugin.
 *
 * Each tier has its own per-test timeout (tests/helpers/tierTimeout.js; jest's testTimeout is global).
 */
const UNIT = [
  "tests/policies/**",
  "tests/docs/**",
  "tests/*/rules.test.ts",
  "tests/domain/keyExpiry.test.ts",
  "tests/customPolicies/plan.test.ts",
  "tests/graph/errors.test.ts",
  "tests/graph/patience.test.ts",
  "tests/graph/redact.test.ts",
  "tests/graph/settings.test.ts",
  "tests/program/stackConfig.test.ts",
  "tests/cli/importKeySetSource.test.ts",
  "tests/cli/tenantConfig.test.ts",
  "tests/emulator/structure.test.ts",
  "tests/host/schema.test.ts",
  "tests/host/plugin/schemaValues.test.ts",
  "tests/bench/**",
];
const ENGINE = ["tests/engine/**", "tests/cli/importRealEngine.test.ts"];
const PACKAGING = ["tests/packaging/**"];

/** Per-test timeouts, ms: a unit test that takes seconds is a bug; the engine and npm take minutes. */
const TIMEOUTS = { unit: 30_000, integration: 120_000, engine: 300_000, packaging: 600_000 };

const toRegex = (glob) =>
  "^<rootDir>/" +
  glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*/g, "\u0000")
    .replace(/\*/g, "[^/]*")
    .replace(/\u0000/g, ".*") +
  "$";

const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFilesAfterEnv: ["<rootDir>/tests/helpers/tierTimeout.js"],
  // @pulumi/pulumi's closure-serializer modules load at their first use (the resolver says why).
  resolver: "<rootDir>/tests/helpers/jestResolver.js",
};

const tier = (name, testMatch, others = []) => ({
  ...shared,
  displayName: name,
  testMatch: testMatch.map((g) => `<rootDir>/${g.endsWith(".ts") ? g : `${g}/*.test.ts`}`),
  testPathIgnorePatterns: ["/node_modules/", ...others.map(toRegex)],
  globals: { TIER_TEST_TIMEOUT_MS: TIMEOUTS[name] },
});

module.exports = {
  // Longest first; a file jest has no duration for counts as a typical file of its tier.
  testSequencer: "<rootDir>/tests/helpers/tierSequencer.js",
  // A worker whose heap grew past this after a test file is restarted, so jest's resident memory
  // stays bounded across 90 files (jest measures the heap; a worker's RSS is about 1.5-2x that).
  workerIdleMemoryLimit: "300MB",
  projects: [
    tier("unit", UNIT),
    tier("integration", ["tests/**"], [...UNIT, ...ENGINE, ...PACKAGING]),
    tier("engine", ENGINE),
    tier("packaging", PACKAGING),
  ],
};
