// 0.1.0's state loads `pulumi-b2c-identity/dist/providers/providerContext.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { changedKeys, checkFailures, graphOf, isUnknown, processMemo, readGraceMs, settingsOf } from "../../../../kernel/providerContext";
