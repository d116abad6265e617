// Jest's order is "longest first" (the fewest idle workers at the end), by the durations it cached
// from the last run; on a fresh clone it falls back to file size, which puts the short, long files
// of the emulator tier before the real-engine tests. A file with no cached duration counts here as
// a typical file of its tier instead, so the real engine and npm start first.
"use strict";
const Sequencer = require("@jest/test-sequencer").default;

/** Typical seconds per file of each tier (jest.config.js projects), on 2 cores. */
const TYPICAL = { packaging: 150, engine: 100, integration: 15, unit: 3 };

class TierSequencer extends Sequencer {
  sort(tests) {
    const estimate = (test) => {
      const cached = this.time(test);
      return cached ?? (TYPICAL[test.context.config.displayName?.name] ?? 15) * 1000;
    };
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), ms: estimate(test) }));
    keyed.sort((a, b) => (a.failed !== b.failed ? (a.failed ? -1 : 1) : b.ms - a.ms));
    return keyed.map((k) => k.test);
  }
}

module.exports = TierSequencer;
