// A stand-in for @npmcli/arborist as @pulumi/pulumi requires it in jest (tests/helpers/jestResolver.js).
"use strict";
const { lazyModule } = require("../../../host/plugin/deferredModules");
module.exports = lazyModule(() => require("@npmcli/arborist"));
