/**
 * Every policy of the pack, as plain arrays: `index.ts` hands them to the `PolicyPack`, and the
 * offline harness (`harness/`) and the tests run these very objects without starting the pack's
 * server.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { dkimPolicies } from "./resource/dkim";
import { dmarcPolicies } from "./resource/dmarc";
import { mtaStsPolicies } from "./resource/mta-sts";
import { mxPolicies } from "./resource/mx";
import { privateKeyPolicies } from "./resource/private-key";
import { spfPolicies } from "./resource/spf";
import { txtPolicies } from "./resource/txt";
import { generatedKeyPolicies } from "./stack/generated-keys";
import { mtaStsStackPolicies } from "./stack/mta-sts";
import { requiredPolicies } from "./stack/required";
import { singleRecordPolicies } from "./stack/single-record";

export const resourcePolicies: readonly ResourceValidationPolicy[] = [...spfPolicies, ...dmarcPolicies, ...dkimPolicies, ...mxPolicies, ...txtPolicies, ...mtaStsPolicies, ...privateKeyPolicies];

export const stackPolicies: readonly StackValidationPolicy[] = [...singleRecordPolicies, ...requiredPolicies, ...generatedKeyPolicies, ...mtaStsStackPolicies];

export const allPolicies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = [...resourcePolicies, ...stackPolicies];

export const PACK_NAME = "maildomain";
