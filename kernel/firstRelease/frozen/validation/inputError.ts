// 0.1.0's state loads `pulumi-b2c-identity/dist/validation/inputError.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { inputError } from "../../../../kernel/errors";
