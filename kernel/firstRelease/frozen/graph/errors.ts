// 0.1.0's state loads `pulumi-b2c-identity/dist/graph/errors.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { isGraphRequestError } from "../../../../graph/errors";
