// A stand-in for typescript as @pulumi/pulumi requires it in jest (tests/helpers/jestResolver.js).
"use strict";
const { lazyModule } = require("../../../host/plugin/deferredModules");
module.exports = lazyModule(() => require("typescript"));
