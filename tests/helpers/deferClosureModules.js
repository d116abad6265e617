// Preloaded (NODE_OPTIONS --require) into the Node processes the engine tests' CLI starts: the stack
// program and the plugin. It defers @pulumi/pulumi's closure-serializer modules (TypeScript's
// compiler, Arborist, normalize-package-data) until their first use, as the plugin's own entry does
// (host/plugin/deferredModules.ts, tested in tests/host/plugin/deferredModules.test.ts). No program of
// ours serializes a function, so nothing changes but the start: about 0.5 s of CPU less per program
// run (the SDK and the package load in 0.3 s instead of 0.8 s on the 2-core machine), over the
// hundred-odd runs of the engine tier. A program that does serialize a function (the 0.1.0 fixture's
// dynamic providers) loads them at that first use.
"use strict";
require("../../dist/host/plugin/deferredModules.js").deferClosureSerializerModules();
