// Each tier's per-test timeout (jest.config.js TIMEOUTS; jest's own testTimeout is one for all projects).
// A test that passes its own timeout keeps it.
jest.setTimeout(globalThis.TIER_TEST_TIMEOUT_MS);
