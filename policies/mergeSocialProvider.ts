/**
 * Merges rendered social providers (WeChat, QQ) into a user's TrustFrameworkExtensions.xml:
 *
 * 1. the `<ClaimsProvider>` goes into `<ClaimsProviders>` (created at its schema position, after
 *    BuildingBlocks and before UserJourneys/SubJourneys/RelyingParty, when the file has none). A
 *    ClaimsProvider that already defines the same technical profile is replaced, so merging again
 *    with another app id or keyset updates the policy instead of duplicating it;
 * 2. each journey to wire (default SignUpOrSignIn) is copied into the extensions under a new Id
 *    (default `<Id>WithSocial`, e.g. SignUpOrSignInWithSocial), from the extensions' own journey of
 *    that Id if it has one, else from the base policies (the starter pack keeps its journeys in
 *    TrustFrameworkBase.xml); then the provider's ClaimsProviderSelection is added to orchestration
 *    step 1 of the copy and its ClaimsExchange to step 2;
 * 3. (mergeSocialProvidersIntoPolicySet, or pointRelyingPartyAt for one file) each relying party
 *    whose DefaultUserJourney is a wired journey is pointed at the renamed copy.
 *
 * This is what Microsoft's how-to does ("Add an identity provider to a user journey": copy the
 * journey into the extensions, rename its Id, point the relying party's DefaultUserJourney at it;
 * https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat?pivots=b2c-custom-policy).
 * Overriding the base journey under the same Id instead has failed upload validation in public
 * reports (azure-ad-b2c/samples#198, MicrosoftDocs/azure-docs#6866).
 *
 * The merge is idempotent: merging the same providers twice gives the same text as merging once.
 */
import type { Element } from "@xmldom/xmldom";
import {
  collectDefinitions,
  collectReferences,
  describeMissingReferences,
  findMissingReferences,
  hasMissingReferences,
} from "./policyReferences";
import type { SocialProviderPolicy } from "./technicalProfiles";
import {
  childElements,
  createPolicyElement,
  firstChildElement,
  importFragment,
  indentationOf,
  insertElement,
  insertInSequence,
  localNameOf,
  parseXml,
  replaceElement,
  serializeXml,
  type ParsedXml,
} from "./xmlDocument";

export interface MergeSocialProvidersOptions {
  /**
   * The parent policies of the extensions file (for the starter pack: TrustFrameworkBase.xml and
   * TrustFrameworkLocalization.xml), nearest parent last or first, any order. Used to copy a journey
   * the extensions does not override yet, and to check that every claim type, claims
   * transformation and technical profile the providers reference is defined. Without them the
   * journeys must already be in the extensions and the reference check is skipped.
   */
  basePolicies?: string[];
  /** Journeys (of the base policies) to put the providers' buttons in. Default: ["SignUpOrSignIn"]. */
  journeyIds?: string[];
  /** The Id of the renamed copy of a journey. Default: `<journeyId>WithSocial` (socialJourneyId). */
  renameJourney?: (journeyId: string) => string;
  /**
   * The relying party policies (XML) meant to show the buttons. Each is checked, never changed: one
   * still on a wired journey's original Id (the base journey, without the buttons) is warned about.
   * Left out: the merge warns once that relying parties must be pointed at the copies
   * (pointRelyingPartyAt), which mergeSocialProvidersIntoPolicySet does itself.
   */
  relyingParties?: string[];
  /** Receives those warnings. Default: process.emitWarning (printed once on stderr). */
  warn?: (message: string) => void;
}

/** The default Id of the renamed journey copy: "SignUpOrSignIn" -> "SignUpOrSignInWithSocial". */
export function socialJourneyId(journeyId: string): string {
  return `${journeyId}WithSocial`;
}

/** Root children of TrustFrameworkPolicy, in schema order (TrustFrameworkPolicy_0.3.0.0.xsd). */
const POLICY_SEQUENCE = [
  "BasePolicy",
  "PolicyConstraints",
  "Contacts",
  "DocumentReferences",
  "BuildingBlocks",
  "ClaimsProviders",
  "UserJourneys",
  "SubJourneys",
  "RelyingParty",
] as const;

/** Children of OrchestrationStep, in schema order. */
const ORCHESTRATION_STEP_SEQUENCE = ["Preconditions", "ClaimsProviderSelections", "ClaimsExchanges", "JourneyList"] as const;

const SELECTION_STEP_TYPES = new Set(["CombinedSignInAndSignUp", "ClaimsProviderSelection"]);

/**
 * Adds the providers to an extensions policy and wires them into the journeys. Returns the new
 * policy text. Throws if the extensions is not well-formed, a journey cannot be found, steps 1/2
 * are not a selection step and a claims-exchange step, or (with basePolicies) a provider references
 * something the policy chain does not define.
 */
export function mergeSocialProviders(
  extensionsXml: string,
  providers: SocialProviderPolicy | ReadonlyArray<SocialProviderPolicy>,
  options: MergeSocialProvidersOptions = {},
): string {
  const list = Array.isArray(providers) ? [...(providers as ReadonlyArray<SocialProviderPolicy>)] : [providers as SocialProviderPolicy];
  if (list.length === 0) return extensionsXml;
  const parsed = parseXml(extensionsXml);
  const root = parsed.doc.documentElement!;
  if (localNameOf(root) !== "TrustFrameworkPolicy") {
    throw new Error(`expected a TrustFrameworkPolicy document, found <${root.nodeName}>`);
  }
  const bases = (options.basePolicies ?? []).map((xml) => parseXml(xml));
  const journeyIds = options.journeyIds ?? ["SignUpOrSignIn"];

  if (bases.length > 0) checkReferences(parsed, bases, list);

  for (const provider of list) mergeClaimsProvider(parsed, provider);
  const rename = options.renameJourney ?? socialJourneyId;
  for (const journeyId of journeyIds) {
    const targetId = rename(journeyId);
    if (targetId === journeyId) {
      throw new Error(`the copy of UserJourney "${journeyId}" needs another Id (renameJourney returned the same): same-Id overrides fail upload validation`);
    }
    const journey = ensureJourneyCopy(parsed, bases, journeyId, targetId);
    for (const provider of list) wireJourney(parsed, bases, journey, journeyId, provider);
  }
  warnAboutRelyingParties(journeyIds, rename, options);
  return serializeXml(parsed);
}

/** The relying party's DefaultUserJourney ReferenceId (and its PolicyId), or undefined for another document. */
function relyingPartyJourney(xml: string): { policyId: string; journeyId: string } | undefined {
  const root = parseXml(xml).doc.documentElement!;
  const relyingParty = firstChildElement(root, "RelyingParty");
  const journey = relyingParty ? firstChildElement(relyingParty, "DefaultUserJourney") : undefined;
  const journeyId = journey?.getAttribute("ReferenceId");
  return journeyId ? { policyId: root.getAttribute("PolicyId") ?? "(no PolicyId)", journeyId } : undefined;
}

/**
 * The buttons are only in the renamed copies: a relying party still on the original journey shows
 * none, and nothing fails (the how-to's last step: "change the DefaultUserJourney", https://learn.microsoft.com/azure/active-directory-b2c/identity-provider-wechat?pivots=b2c-custom-policy).
 */
function warnAboutRelyingParties(journeyIds: string[], rename: (id: string) => string, options: MergeSocialProvidersOptions): void {
  const warn = options.warn ?? ((message: string) => process.emitWarning(message, "B2CIdentityWarning"));
  const pairs = journeyIds.map((id) => `${id} -> ${rename(id)}`).join(", ");
  if (options.relyingParties === undefined) {
    warn(
      `mergeSocialProviders wired the providers into copies of the journeys (${pairs}); a relying party whose DefaultUserJourney is still ` +
        `the original shows no button for them. Point each relying party at the copy with pointRelyingPartyAt, or merge with ` +
        `mergeSocialProvidersIntoPolicySet, which does it (pass relyingParties to have them checked instead).`,
    );
    return;
  }
  for (const xml of options.relyingParties) {
    const rp = relyingPartyJourney(xml);
    if (rp && journeyIds.includes(rp.journeyId)) {
      warn(
        `relying party ${rp.policyId} uses UserJourney ${rp.journeyId}, not ${rename(rp.journeyId)}, the copy with the social providers: ` +
          `its users see no button for them. Set its DefaultUserJourney ReferenceId to ${rename(rp.journeyId)} (pointRelyingPartyAt).`,
      );
    }
  }
}

/**
 * Points a relying party policy at a renamed journey: its `<DefaultUserJourney ReferenceId>`
 * changes from `fromJourneyId` to `toJourneyId`. Any other document comes back unchanged.
 */
export function pointRelyingPartyAt(relyingPartyXml: string, fromJourneyId: string, toJourneyId: string): string {
  const parsed = parseXml(relyingPartyXml);
  const relyingParty = firstChildElement(parsed.doc.documentElement!, "RelyingParty");
  const journey = relyingParty ? firstChildElement(relyingParty, "DefaultUserJourney") : undefined;
  if (!journey || journey.getAttribute("ReferenceId") !== fromJourneyId) return relyingPartyXml;
  journey.setAttribute("ReferenceId", toJourneyId);
  return serializeXml(parsed);
}

export interface PolicySetFile {
  fileName: string;
  xml: string;
}

/**
 * mergeSocialProviders on a whole policy set, as the how-to does it: the providers go into the
 * extensions file (`extensionsFileName`, default "TrustFrameworkExtensions.xml"), the wired
 * journeys are copied there under their new Id, and every relying party whose DefaultUserJourney
 * is a wired journey is pointed at the copy. The other files of the set serve as base policies.
 * Returns the set with the changed files replaced (same order).
 */
export function mergeSocialProvidersIntoPolicySet(
  files: ReadonlyArray<PolicySetFile>,
  providers: SocialProviderPolicy | ReadonlyArray<SocialProviderPolicy>,
  options: Omit<MergeSocialProvidersOptions, "basePolicies"> & { extensionsFileName?: string } = {},
): PolicySetFile[] {
  const extensionsName = options.extensionsFileName ?? "TrustFrameworkExtensions.xml";
  const extensions = files.find((f) => f.fileName === extensionsName);
  if (!extensions) throw new Error(`the policy set has no ${extensionsName} (set extensionsFileName)`);
  const isRelyingParty = (f: PolicySetFile) => firstChildElement(parseXml(f.xml).doc.documentElement!, "RelyingParty") !== undefined;
  const bases = files.filter((f) => f !== extensions && !isRelyingParty(f)).map((f) => f.xml);
  // The relying parties are pointed below: the merge need not warn about them.
  const merged = mergeSocialProviders(extensions.xml, providers, { ...options, basePolicies: bases, relyingParties: [] });
  const rename = options.renameJourney ?? socialJourneyId;
  const journeyIds = options.journeyIds ?? ["SignUpOrSignIn"];
  const result = files.map((f) => {
    if (f === extensions) return { ...f, xml: merged };
    if (!isRelyingParty(f)) return f;
    const xml = journeyIds.reduce((text, id) => pointRelyingPartyAt(text, id, rename(id)), f.xml);
    return xml === f.xml ? f : { ...f, xml };
  });
  const copies = journeyIds.map(rename);
  if (!result.some((f) => copies.includes(relyingPartyJourney(f.xml)?.journeyId ?? ""))) {
    const warn = options.warn ?? ((message: string) => process.emitWarning(message, "B2CIdentityWarning"));
    warn(`no relying party in the policy set uses ${journeyIds.join(" or ")}: the social providers' buttons (in ${copies.join(", ")}) are shown by none. Point a relying party's DefaultUserJourney at ${copies[0]}.`);
  }
  return result;
}

function checkReferences(parsed: ParsedXml, bases: ParsedXml[], providers: SocialProviderPolicy[]): void {
  const fragments = providers.map((p) => importFragment(parsed.doc, p.claimsProviderXml));
  // What the whole chain defines once the providers are in: bases, current extensions, new fragments.
  const definitions = collectDefinitions([...bases.map((b) => b.doc), parsed.doc, ...fragments]);
  for (let i = 0; i < providers.length; i++) {
    const missing = findMissingReferences(collectReferences(fragments[i]), definitions);
    if (hasMissingReferences(missing)) {
      throw new Error(
        `${providers[i].technicalProfileId} references what the base policies and the extensions do not define (${describeMissingReferences(missing)})`,
      );
    }
  }
}

function mergeClaimsProvider(parsed: ParsedXml, provider: SocialProviderPolicy): void {
  const root = parsed.doc.documentElement!;
  const fresh = importFragment(parsed.doc, provider.claimsProviderXml);
  let claimsProviders = firstChildElement(root, "ClaimsProviders");
  if (!claimsProviders) {
    claimsProviders = createPolicyElement(parsed.doc, "ClaimsProviders");
    insertInSequence(root, claimsProviders, POLICY_SEQUENCE, { blankLine: true });
  }
  const existing = findTechnicalProfile(claimsProviders, provider.technicalProfileId);
  if (existing) {
    const profiles = existing.parentNode as Element;
    const owner = profiles.parentNode as Element;
    if (childElements(profiles, "TechnicalProfile").length === 1) {
      // The ClaimsProvider holds only this profile: replace it whole (Domain, DisplayName included).
      replaceElement(owner, fresh);
    } else {
      const freshProfile = childElements(firstChildElement(fresh, "TechnicalProfiles")!, "TechnicalProfile")[0];
      replaceElement(existing, freshProfile, "    ");
    }
    return;
  }
  insertElement(claimsProviders, fresh, null, { blankLine: childElements(claimsProviders).length > 0 });
}

function findTechnicalProfile(claimsProviders: Element, technicalProfileId: string): Element | undefined {
  for (const claimsProvider of childElements(claimsProviders, "ClaimsProvider")) {
    const profiles = firstChildElement(claimsProvider, "TechnicalProfiles");
    if (!profiles) continue;
    const match = childElements(profiles, "TechnicalProfile").find((tp) => tp.getAttribute("Id") === technicalProfileId);
    if (match) return match;
  }
  return undefined;
}

function findJourney(parsed: ParsedXml, journeyId: string): Element | undefined {
  const journeys = firstChildElement(parsed.doc.documentElement!, "UserJourneys");
  return journeys ? childElements(journeys, "UserJourney").find((j) => j.getAttribute("Id") === journeyId) : undefined;
}

function findBaseJourney(bases: ParsedXml[], journeyId: string): Element | undefined {
  for (const base of bases) {
    const journey = findJourney(base, journeyId);
    if (journey) return journey;
  }
  return undefined;
}

/** The extensions' journey `targetId`: there already, or a copy of `journeyId` (the extensions' own, else the base's) renamed. */
function ensureJourneyCopy(parsed: ParsedXml, bases: ParsedXml[], journeyId: string, targetId: string): Element {
  const existing = findJourney(parsed, targetId);
  if (existing) return existing;
  const baseJourney = findJourney(parsed, journeyId) ?? findBaseJourney(bases, journeyId);
  if (!baseJourney) {
    throw new Error(
      bases.length === 0
        ? `UserJourney "${journeyId}" is not in the extensions policy; pass the base policies (basePolicies) so it can be copied from there`
        : `UserJourney "${journeyId}" is neither in the extensions policy nor in the base policies`,
    );
  }
  const root = parsed.doc.documentElement!;
  let journeys = firstChildElement(root, "UserJourneys");
  if (!journeys) {
    journeys = createPolicyElement(parsed.doc, "UserJourneys");
    insertInSequence(root, journeys, POLICY_SEQUENCE, { blankLine: true });
  }
  const copy = parsed.doc.importNode(baseJourney, true) as Element;
  copy.setAttribute("Id", targetId);
  insertElement(journeys, copy, null, {
    fromIndent: indentationOf(baseJourney),
    blankLine: childElements(journeys).length > 0,
  });
  return copy;
}

function findStep(journey: Element, order: number): Element | undefined {
  const steps = firstChildElement(journey, "OrchestrationSteps");
  return steps ? childElements(steps, "OrchestrationStep").find((s) => Number(s.getAttribute("Order")) === order) : undefined;
}

/** Step `order` of the journey copy; copied from the source journey `journeyId` when the copy lacks it. */
function ensureStep(parsed: ParsedXml, bases: ParsedXml[], journey: Element, journeyId: string, order: number): Element {
  const step = findStep(journey, order);
  if (step) return step;
  const baseJourney = findBaseJourney(bases, journeyId);
  const baseStep = baseJourney ? findStep(baseJourney, order) : undefined;
  if (!baseStep) throw new Error(`UserJourney "${journey.getAttribute("Id")}" has no orchestration step ${order}`);
  let steps = firstChildElement(journey, "OrchestrationSteps");
  if (!steps) {
    steps = createPolicyElement(parsed.doc, "OrchestrationSteps");
    insertElement(journey, steps, firstChildElement(journey, "ClientDefinition") ?? null);
  }
  const copy = parsed.doc.importNode(baseStep, true) as Element;
  const following = childElements(steps, "OrchestrationStep").find((s) => Number(s.getAttribute("Order")) > order) ?? null;
  insertElement(steps, copy, following, { fromIndent: indentationOf(baseStep) });
  return copy;
}

function ensureChild(parsed: ParsedXml, step: Element, name: (typeof ORCHESTRATION_STEP_SEQUENCE)[number]): Element {
  const existing = firstChildElement(step, name);
  if (existing) return existing;
  const created = createPolicyElement(parsed.doc, name);
  insertInSequence(step, created, ORCHESTRATION_STEP_SEQUENCE);
  return created;
}

/** Adds the provider to the journey copy; `sourceId` is the journey it was copied from (for steps and messages). */
function wireJourney(parsed: ParsedXml, bases: ParsedXml[], journey: Element, sourceId: string, provider: SocialProviderPolicy): void {
  const selectionStep = ensureStep(parsed, bases, journey, sourceId, 1);
  const selectionType = selectionStep.getAttribute("Type") ?? "";
  if (!SELECTION_STEP_TYPES.has(selectionType)) {
    throw new Error(
      `UserJourney "${sourceId}" step 1 is of type "${selectionType}", not CombinedSignInAndSignUp or ClaimsProviderSelection; cannot add the ${provider.provider} button`,
    );
  }
  const selections = ensureChild(parsed, selectionStep, "ClaimsProviderSelections");
  const existingSelections = childElements(selections, "ClaimsProviderSelection");
  if (!existingSelections.some((s) => s.getAttribute("TargetClaimsExchangeId") === provider.claimsExchangeId)) {
    // After the other buttons, before the local-account ValidationClaimsExchangeId entry.
    const firstValidation = existingSelections.find((s) => !s.hasAttribute("TargetClaimsExchangeId")) ?? null;
    const lastTarget = [...existingSelections].reverse().find((s) => s.hasAttribute("TargetClaimsExchangeId"));
    const before = lastTarget ? nextElementSibling(lastTarget) : firstValidation;
    insertElement(selections, importFragment(parsed.doc, provider.claimsProviderSelectionXml), before);
  }

  const exchangeStep = ensureStep(parsed, bases, journey, sourceId, 2);
  const exchangeType = exchangeStep.getAttribute("Type") ?? "";
  if (exchangeType !== "ClaimsExchange") {
    throw new Error(
      `UserJourney "${sourceId}" step 2 is of type "${exchangeType}", not ClaimsExchange; cannot add the ${provider.provider} claims exchange`,
    );
  }
  const exchanges = ensureChild(parsed, exchangeStep, "ClaimsExchanges");
  const existingExchange = childElements(exchanges, "ClaimsExchange").find((e) => e.getAttribute("Id") === provider.claimsExchangeId);
  if (existingExchange) {
    if (existingExchange.getAttribute("TechnicalProfileReferenceId") !== provider.technicalProfileId) {
      existingExchange.setAttribute("TechnicalProfileReferenceId", provider.technicalProfileId);
    }
    return;
  }
  insertElement(exchanges, importFragment(parsed.doc, provider.claimsExchangeXml), null);
}

function nextElementSibling(element: Element): Element | null {
  let node = element.nextSibling;
  while (node && node.nodeType !== 1) node = node.nextSibling;
  return (node as Element | null) ?? null;
}
