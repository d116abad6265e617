// jest.config.js `resolver`: inside jest's workers, the three modules @pulumi/pulumi requires only
// for closure serialization (TypeScript's compiler, Arborist, normalize-package-data) resolve, when
// @pulumi/pulumi itself asks for them, to stand-ins that load the real module at its first use: the
// plugin's own deferral (host/plugin/deferredModules.ts, whose Module._load hook jest's module
// registry bypasses). No test serializes a function, and one that did would load them then. Each
// test file loads @pulumi/pulumi afresh in its own registry; this takes about 0.6 s of CPU off each.
"use strict";
const path = require("path");

const STAND_INS = { typescript: "typescript.js", "@npmcli/arborist": "arborist.js", "normalize-package-data": "normalizePackageData.js" };
const PULUMI_SDK = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi([\\/]|$)/;

module.exports = (request, options) => {
  const resolved = options.defaultResolver(request, options);
  const standIn = STAND_INS[request];
  return standIn && PULUMI_SDK.test(options.basedir) ? path.join(__dirname, "jestDeferred", standIn) : resolved;
};
