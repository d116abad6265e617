// 0.1.0's state loads `pulumi-b2c-identity/dist/graph/settings.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { describeSetting, requireTenantName } from "../../../../graph/settings";
