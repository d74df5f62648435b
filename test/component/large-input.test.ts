/**
 * Sizes that would have taken minutes when refusing bad input was quadratic (100,000 invalid
 * extraTxt values: 111 s in the planner). Tests assert what comes back, never how long it took;
 * `npm run bench:args` measures the growth.
 */
import { MailDomainArgsError } from "../../components";
import { planMailDomain } from "../../components/plan/plan";
import { stackDomains } from "../../components/stack-config";

test("100,000 invalid extraTxt values: the list is refused whole, in one error", () => {
  const plan = planMailDomain({ domain: "example.com", extraTxt: Array.from({ length: 100_000 }, (_, i) => `token"${i}`) });
  expect(plan.errors.map((e) => [e.code, e.field])).toEqual([["args.too-many", "extraTxt"]]);
  expect(plan.sets).toEqual([]);
});

test("a stack config of 5,000 invalid domains: every problem of every entry, and a message of bounded length", () => {
  const entries = Array.from({ length: 5_000 }, (_, i) => ({ domain: `d${i}.example.com`, cloudflare: { zonename: "example.com" }, spff: {}, extraTxt: [`token"${i}`] }));
  let error: MailDomainArgsError | undefined;
  try {
    stackDomains(entries);
  } catch (e) {
    error = e as MailDomainArgsError;
  }
  expect(error?.diagnostics).toHaveLength(15_000);
  expect(new Set(error?.diagnostics.map((d) => d.field)).size).toBe(15_000);
  expect(error?.diagnostics[14_999].field).toBe("domains[4999].extraTxt[0]");
  expect(error?.message.split("\n")).toHaveLength(1 + 100 + 1);
  expect(error?.message).toMatch(/… and 14900 more \(the error's diagnostics list them all\)\.$/);
});

test("every list at its cap, every entry invalid: each entry's problem is reported once", () => {
  const bad = (i: number) => `bad value ${i}`;
  const plan = planMailDomain({
    domain: "example.com",
    mx: Array.from({ length: 50 }, (_, i) => ({ host: bad(i), priority: 10 })),
    spf: { ip4: Array.from({ length: 100 }, (_, i) => `300.0.0.${i}`) },
    dkim: Array.from({ length: 100 }, (_, i) => ({ selector: bad(i) })),
    extraTxt: Array.from({ length: 100 }, (_, i) => `token"${i}`),
  });
  const count = (prefix: string) => new Set(plan.errors.filter((e) => e.field.startsWith(prefix)).map((e) => e.field)).size;
  expect([count("mx["), count("spf.ip4["), count("dkim["), count("extraTxt[")]).toEqual([50, 100, 100, 100]);
});
