// 0.1.0's state loads `pulumi-b2c-identity/dist/validation/identityProviders.js` and calls exactly these (kernel/firstRelease/frozenModules.ts).
export { PORTAL_DISPLAY_NAMES, SOCIAL_ARGUMENT_NAMES, canonicalProviderType, redirectUriFor, validateSocialIdentityProvider } from "../../../../identityProviders/rules";
