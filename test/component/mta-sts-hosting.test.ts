/**
 * mtaSts.hosting under the SDK mocks: a Cloudflare Worker on the custom domain mta-sts.<domain>, or a private S3
 * object behind CloudFront with an ACM certificate validated in the Route 53 zone, or nothing (external). The
 * registered resources, their inputs and parents; the `_mta-sts` id announced only after the file is served; the
 * id and the served file byte-identical from run to run; bad hosting arguments refused before anything exists.
 */
import { MailDomain, MailDomainArgs, MtaStsMode } from "../../components";
import { mtaStsWorkerScript, WORKER_COMPATIBILITY_DATE, WORKER_MAIN_MODULE } from "../../components/hosting/worker-script";
import { CLOUDFRONT_VIEWER_REQUEST_CODE } from "../../components/hosting/cloudfront-function";
import { CACHING_DISABLED_POLICY_ID } from "../../components/hosting/aws";
import { defaultWorkerName } from "../../components/hosting/names";
import { parseMtaStsPolicy, parseMtaStsTxt, policyId } from "../../components/records/mta-sts";
import { placeholderZoneId } from "../../cli/plan/mock-engine";
import { runProgram, valueOf } from "../support/pulumi";
import { expectRefused, MAIL_DOMAIN } from "./fixtures";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const WORKERS_SCRIPT = "cloudflare:index/workersScript:WorkersScript";
const WORKERS_CUSTOM_DOMAIN = "cloudflare:index/workersCustomDomain:WorkersCustomDomain";
const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const ROUTE53_RECORD = "aws:route53/record:Record";
const any = (v: unknown) => v as never;

const mx = [
  { host: "mx1.example.com", priority: 10 },
  { host: "mx2.example.com", priority: 20 },
];
const onCloudflare = (mtaSts: MailDomainArgs["mtaSts"]): MailDomainArgs => ({ domain: "example.com", cloudflare: { zoneName: "example.com" }, mx, mtaSts });
const onRoute53 = (mtaSts: MailDomainArgs["mtaSts"]): MailDomainArgs => ({ domain: "example.com", route53: { zoneName: "example.com" }, mx, mtaSts });

describe("hosting on Cloudflare: a Worker on the custom domain mta-sts.<domain>", () => {
  let run: Awaited<ReturnType<typeof runProgram<MailDomain>>>;
  beforeAll(async () => {
    run = await runProgram(() => new MailDomain("corp", onCloudflare({ mode: MtaStsMode.Testing, hosting: { cloudflare: { accountId: ACCOUNT } } })));
  });

  test("the Worker holds the generated module for exactly the component's policy", async () => {
    const policy = (await valueOf(run.result.mtaStsPolicy))!;
    expect(parseMtaStsPolicy(policy).model).toMatchObject({ mode: "testing", mx: ["mx1.example.com", "mx2.example.com"], maxAge: 604800 });
    const [script] = run.ofType(WORKERS_SCRIPT);
    expect(script.name).toBe("corp-mta-sts-worker");
    expect(script.inputs).toEqual({
      accountId: ACCOUNT,
      scriptName: "mta-sts-example-com",
      content: mtaStsWorkerScript(policy),
      mainModule: WORKER_MAIN_MODULE,
      compatibilityDate: WORKER_COMPATIBILITY_DATE,
    });
  });

  test("the custom domain routes mta-sts.example.com in the domain's zone to the Worker", () => {
    const [domain] = run.ofType(WORKERS_CUSTOM_DOMAIN);
    expect(domain.name).toBe("corp-mta-sts-domain");
    expect(domain.inputs).toEqual({ accountId: ACCOUNT, hostname: "mta-sts.example.com", service: "mta-sts-example-com", zoneId: placeholderZoneId("cloudflare", "example.com") });
    // Cloudflare makes the custom domain's DNS record itself: the component publishes none at that name.
    expect(run.ofType(DNS_RECORD).map((r) => r.inputs.name)).not.toContain("mta-sts.example.com");
  });

  test("both are children of the component", () => {
    for (const r of [...run.ofType(WORKERS_SCRIPT), ...run.ofType(WORKERS_CUSTOM_DOMAIN)]) expect(r.parent).toContain(`::${MAIL_DOMAIN}::corp`);
  });

  test("the _mta-sts record waits for the Worker and the domain (RFC 8461 §8.1: file first, then the id)", () => {
    const txt = run.ofType(DNS_RECORD).find((r) => r.name === "corp-mta-sts")!;
    const served = [...run.ofType(WORKERS_SCRIPT), ...run.ofType(WORKERS_CUSTOM_DOMAIN)].map((r) => r.urn);
    expect(txt.dependencies).toEqual(expect.arrayContaining(served));
    expect(run.ofType(DNS_RECORD).find((r) => r.name === "corp-dmarc")?.dependencies ?? []).not.toEqual(expect.arrayContaining(served));
  });

  test("the log says where the policy is served instead of asking the user to serve it", () => {
    const info = run.logs.filter((l) => l.severity === "info").map((l) => l.message).join("\n");
    expect(info).toContain("https://mta-sts.example.com/.well-known/mta-sts.txt by a Cloudflare Worker");
    expect(info).not.toMatch(/serve the MTA-STS policy at/);
  });

  test("the policy URL is an output", async () => {
    expect(await valueOf(run.result.mtaStsPolicyUrl)).toBe("https://mta-sts.example.com/.well-known/mta-sts.txt");
  });

  test("a long domain gets a Worker name within Cloudflare's 63 characters, unique per domain", () => {
    const long = `${"a".repeat(40)}.${"b".repeat(30)}.example.com`;
    const name = defaultWorkerName(long);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^mta-sts-a{40}-b+-[0-9a-f]{8}$/);
    expect(defaultWorkerName(long.replace("b", "c"))).not.toBe(name);
  });
});

describe("the policy id and the served file change exactly when the policy does", () => {
  const inputsOf = async (args: MailDomainArgs) => {
    const run = await runProgram(() => new MailDomain("corp", args));
    const txt = run.ofType(DNS_RECORD).find((r) => r.name === "corp-mta-sts")!.inputs.content as string;
    return { txt, script: run.ofType(WORKERS_SCRIPT)[0].inputs.content as string, policy: (await valueOf(run.result.mtaStsPolicy))! };
  };
  const hosting = { cloudflare: { accountId: ACCOUNT } };

  test("a second run is byte-identical; the id is the policy's hash", async () => {
    const a = await inputsOf(onCloudflare({ mode: MtaStsMode.Testing, hosting }));
    const b = await inputsOf({ ...onCloudflare({ mode: MtaStsMode.Testing, hosting }), mx: [...mx].reverse() });
    expect(b).toEqual(a);
    expect(parseMtaStsTxt(a.txt.replace(/^"|"$/g, "")).model.id).toBe(policyId(a.policy));
  });

  test("switching to enforce, changing max_age or the MX hosts changes the id and the Worker", async () => {
    const base = await inputsOf(onCloudflare({ mode: MtaStsMode.Testing, hosting }));
    // One program run at a time: the mocks are per process.
    const changed = [];
    for (const args of [
      onCloudflare({ mode: MtaStsMode.Enforce, hosting }),
      onCloudflare({ mode: MtaStsMode.Testing, maxAge: 1209600, hosting }),
      { ...onCloudflare({ mode: MtaStsMode.Testing, hosting }), mx: [...mx, { host: "mx3.example.com", priority: 30 }] },
    ]) {
      changed.push(await inputsOf(args));
    }
    for (const c of changed) {
      expect(c.txt).not.toBe(base.txt);
      expect(c.script).not.toBe(base.script);
    }
    expect(new Set(changed.map((c) => c.txt)).size).toBe(3);
  });
});

describe("hosting on AWS: a private S3 object behind CloudFront, the certificate validated in the Route 53 zone", () => {
  let run: Awaited<ReturnType<typeof runProgram<MailDomain>>>;
  const zoneId = placeholderZoneId("route53", "example.com");
  const one = (type: string) => {
    const all = run.ofType(type);
    expect(all).toHaveLength(1);
    return all[0];
  };
  beforeAll(async () => {
    run = await runProgram(() => new MailDomain("corp", onRoute53({ mode: MtaStsMode.Enforce, hosting: { aws: {} } })));
  });

  test("the registered resources, named from the component, all its children", () => {
    const hostingNames = run.engine.resources.filter((r) => r.name.startsWith("corp-mta-sts-")).map((r) => `${r.type} ${r.name}`);
    expect(hostingNames.sort()).toEqual(
      [
        "aws:s3/bucket:Bucket corp-mta-sts-bucket",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock corp-mta-sts-bucket-public-access",
        "aws:s3/bucketObjectv2:BucketObjectv2 corp-mta-sts-policy",
        "aws:s3/bucketPolicy:BucketPolicy corp-mta-sts-bucket-policy",
        "aws:acm/certificate:Certificate corp-mta-sts-certificate",
        "aws:route53/record:Record corp-mta-sts-certificate-validation",
        "aws:acm/certificateValidation:CertificateValidation corp-mta-sts-certificate-validated",
        "aws:cloudfront/originAccessControl:OriginAccessControl corp-mta-sts-origin-access",
        "aws:cloudfront/function:Function corp-mta-sts-not-found",
        "aws:cloudfront/distribution:Distribution corp-mta-sts-distribution",
        "aws:route53/record:Record corp-mta-sts-alias-a",
        "aws:route53/record:Record corp-mta-sts-alias-aaaa",
      ].sort(),
    );
    for (const r of run.engine.resources.filter((x) => x.name.startsWith("corp-mta-sts-"))) expect(r.parent).toContain(`::${MAIL_DOMAIN}::corp`);
    expect(run.engine.resources.some((r) => r.type === "pulumi:providers:aws")).toBe(false);
  });

  test("the bucket blocks all public access; the object is the policy as text/plain at .well-known/mta-sts.txt", async () => {
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toEqual({
      bucket: expect.stringMatching(/^corp-mta-sts-bucket-[0-9a-f]{7}$/),
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one("aws:s3/bucketObjectv2:BucketObjectv2").inputs).toMatchObject({
      key: ".well-known/mta-sts.txt",
      content: await valueOf(run.result.mtaStsPolicy),
      contentType: "text/plain; charset=utf-8",
      cacheControl: "no-store",
    });
  });

  test("the ACM certificate is for mta-sts.example.com in us-east-1, validated by the CNAME ACM asks for, in the zone", () => {
    const cert = one("aws:acm/certificate:Certificate");
    expect(cert.inputs).toEqual({ domainName: "mta-sts.example.com", validationMethod: "DNS", region: "us-east-1" });
    const record = run.ofType(ROUTE53_RECORD).find((r) => r.name === "corp-mta-sts-certificate-validation")!;
    expect(record.inputs).toMatchObject({ zoneId, type: "CNAME", ttl: 300, allowOverwrite: true });
    expect(String(record.inputs.name)).toMatch(/^_[0-9a-f]{32}\.mta-sts\.example\.com\.$/);
    expect((record.inputs.records as string[])[0]).toMatch(/^_[0-9a-f]{32}\.acm-validations\.aws\.$/);
    const validation = one("aws:acm/certificateValidation:CertificateValidation");
    expect(validation.inputs).toMatchObject({ region: "us-east-1", validationRecordFqdns: [record.inputs.name] });
    expect(String(validation.inputs.certificateArn)).toMatch(/^arn:aws:acm:us-east-1:/);
  });

  test("the distribution: alias, validated certificate, HTTPS only, GET/HEAD, no caching, TLS 1.2, the 404 function, the private origin", () => {
    const d = one("aws:cloudfront/distribution:Distribution").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const oac = one("aws:cloudfront/originAccessControl:OriginAccessControl");
    const fn = one("aws:cloudfront/function:Function");
    expect(d).toMatchObject({ enabled: true, aliases: ["mta-sts.example.com"], isIpv6Enabled: true, priceClass: "PriceClass_100" });
    expect(d.viewerCertificate).toEqual({ acmCertificateArn: one("aws:acm/certificateValidation:CertificateValidation").inputs.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    expect(d.defaultCacheBehavior).toMatchObject({
      viewerProtocolPolicy: "https-only",
      allowedMethods: ["GET", "HEAD"],
      cachePolicyId: CACHING_DISABLED_POLICY_ID,
      functionAssociations: [{ eventType: "viewer-request", functionArn: `arn:aws:cloudfront::123456789012:function/${fn.name}` }],
    });
    expect(d.origins).toEqual([{ originId: d.defaultCacheBehavior.targetOriginId, domainName: expect.stringMatching(/\.s3\.us-east-1\.amazonaws\.com$/), originAccessControlId: `${oac.name}-id` }]);
    expect(oac.inputs).toMatchObject({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
    expect(fn.inputs).toMatchObject({ runtime: "cloudfront-js-2.0", code: CLOUDFRONT_VIEWER_REQUEST_CODE, publish: true });
  });

  test("the bucket policy lets only this distribution read only the policy object", () => {
    const policy = JSON.parse(String(one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy));
    const bucket = one("aws:s3/bucket:Bucket");
    expect(policy.Statement).toEqual([
      {
        Sid: "CloudFrontReadsThePolicy",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: expect.stringMatching(new RegExp(`^arn:aws:s3:::${bucket.name}-[0-9a-f]{7}/\\.well-known/mta-sts\\.txt$`)),
        Condition: { StringEquals: { "AWS:SourceArn": expect.stringMatching(/^arn:aws:cloudfront::123456789012:distribution\/E[0-9A-F]{13}$/) } },
      },
    ]);
  });

  test("alias A and AAAA records put mta-sts.example.com on the distribution", () => {
    for (const type of ["A", "AAAA"]) {
      const r = run.ofType(ROUTE53_RECORD).find((x) => x.inputs.name === "mta-sts.example.com" && x.inputs.type === type)!;
      expect(r.inputs).toEqual({ zoneId, name: "mta-sts.example.com", type, aliases: [{ name: expect.stringMatching(/^d[0-9a-f]{13}\.cloudfront\.net$/), zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }] });
    }
  });

  test("the _mta-sts record waits for the object, the bucket policy, the distribution and the aliases", () => {
    const txt = run.ofType(ROUTE53_RECORD).find((r) => r.name === "corp-mta-sts")!;
    const served = run.engine.resources.filter((r) => ["corp-mta-sts-policy", "corp-mta-sts-bucket-policy", "corp-mta-sts-distribution", "corp-mta-sts-alias-a", "corp-mta-sts-alias-aaaa"].includes(r.name)).map((r) => r.urn);
    expect(served).toHaveLength(5);
    expect(txt.dependencies).toEqual(expect.arrayContaining(served));
  });

  test("priceClass is passed through", async () => {
    const r = await runProgram(() => new MailDomain("corp", onRoute53({ mode: MtaStsMode.Testing, hosting: { aws: { priceClass: "PriceClass_All" } } })));
    expect(r.ofType("aws:cloudfront/distribution:Distribution")[0].inputs.priceClass).toBe("PriceClass_All");
  });
});

describe("external hosting (the default): the component only outputs the file", () => {
  test.each([
    ["no hosting", undefined],
    ["external: true", { external: true }],
  ])("%s", async (_title, hosting) => {
    const run = await runProgram(() => new MailDomain("corp", onCloudflare({ mode: MtaStsMode.Testing, hosting })));
    expect(run.engine.resources.filter((r) => r.name.startsWith("corp-mta-sts-"))).toEqual([]);
    expect(run.logs.map((l) => l.message).join("\n")).toMatch(/serve the MTA-STS policy at https:\/\/mta-sts\.example\.com\/\.well-known\/mta-sts\.txt \(output mtaStsPolicy\)/);
    expect(await valueOf(run.result.mtaStsPolicy)).toMatch(/^version: STSv1\r\n/);
  });
});

describe("bad hosting arguments: one MailDomainArgsError, nothing registered", () => {
  const cases: { title: string; args: MailDomainArgs; field: string; message: RegExp }[] = [
    { title: "a Worker for a domain on Route 53", args: onRoute53({ mode: MtaStsMode.Testing, hosting: { cloudflare: { accountId: ACCOUNT } } }), field: "mtaSts.hosting.cloudflare", message: /Cloudflare zone.*use mtaSts\.hosting\.aws/ },
    { title: "S3 and CloudFront for a domain on Cloudflare", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: { aws: {} } }), field: "mtaSts.hosting.aws", message: /Route 53 zone.*use mtaSts\.hosting\.cloudflare/ },
    { title: "no account id", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: { cloudflare: any({}) } }), field: "mtaSts.hosting.cloudflare.accountId", message: /required/ },
    { title: "an account id that is not one", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: { cloudflare: { accountId: "my-account" } } }), field: "mtaSts.hosting.cloudflare.accountId", message: /32 hexadecimal digits/ },
    { title: "a misspelled key", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: { cloudflare: any({ acountId: ACCOUNT }) } }), field: "mtaSts.hosting.cloudflare.acountId", message: /unknown argument; did you mean `accountId`\?/ },
    { title: "a misspelled hosting kind", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: any({ cloudflair: { accountId: ACCOUNT } }) }), field: "mtaSts.hosting.cloudflair", message: /unknown argument; did you mean `cloudflare`\?/ },
    { title: "two hostings", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: { cloudflare: { accountId: ACCOUNT }, external: true } }), field: "mtaSts.hosting", message: /keep one/ },
    { title: "an empty hosting", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: {} }), field: "mtaSts.hosting", message: /chooses no hosting/ },
    { title: "a bad Worker name", args: onCloudflare({ mode: MtaStsMode.Testing, hosting: { cloudflare: { accountId: ACCOUNT, scriptName: "MTA STS" } } }), field: "mtaSts.hosting.cloudflare.scriptName", message: /lower-case/ },
    { title: "a price class CloudFront does not have", args: onRoute53({ mode: MtaStsMode.Testing, hosting: { aws: { priceClass: "cheap" } } }), field: "mtaSts.hosting.aws.priceClass", message: /PriceClass_100/ },
    { title: "a declared MX the patterns do not cover, in testing", args: onCloudflare({ mode: MtaStsMode.Testing, mx: ["mx1.example.com"], hosting: { cloudflare: { accountId: ACCOUNT } } }), field: "mtaSts.mx", message: /mx2\.example\.com matches no pattern/ },
  ];
  test.each(cases)("$title", async ({ args, field, message }) => {
    expect((await expectRefused(args, field)).message).toMatch(message);
  });
});
