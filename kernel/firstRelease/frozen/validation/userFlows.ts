// 0.1.0's state loads `pulumi-b2c-identity/dist/validation/userFlows.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { normalizeUserFlowId, runUserFlowUrl } from "../../../../userFlows/rules";
