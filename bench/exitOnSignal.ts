// Preloaded (`node --require`) into every Node process of a profiled Pulumi run (bench/engine.ts
// --profile): Node writes a `--cpu-prof` profile only when the process exits, and the engine ends a
// provider plugin with a signal, whose default action ends Node without it.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
