// 0.1.0's state loads `pulumi-b2c-identity/dist/policies/normalize.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { normalizePolicyXml } from "../../../../policies/normalize";
