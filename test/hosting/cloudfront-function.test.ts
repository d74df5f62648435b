/**
 * The CloudFront viewer-request function of the AWS hosting. CloudFront Functions have no local runtime; the code
 * is plain ES5 with one `handler(event)`, so it is evaluated in a bare node:vm context (no require, no globals) with
 * events in CloudFront's documented shape.
 */
import * as vm from "node:vm";
import { CLOUDFRONT_VIEWER_REQUEST_CODE } from "../../components/hosting/cloudfront-function";

type Handler = (event: unknown) => { statusCode?: number; uri?: string; headers?: Record<string, { value: string }> };
const handler = (() => {
  const context = vm.createContext({});
  vm.runInContext(CLOUDFRONT_VIEWER_REQUEST_CODE, context);
  return (context as { handler: Handler }).handler;
})();
const event = (uri: string, method = "GET") => ({ version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "192.0.2.1" }, request: { method, uri, querystring: {}, headers: { host: { value: "mta-sts.example.com" } }, cookies: {} } });

test("the policy path goes on to the S3 origin unchanged", () => {
  const e = event("/.well-known/mta-sts.txt");
  expect(handler(e)).toBe(e.request);
});

test.each(["/", "/.well-known/", "/.well-known/mta-sts.txt/", "/.well-known/MTA-STS.TXT", "/other"])("%s is answered 404 at the edge, not cached", (uri) => {
  const r = handler(event(uri));
  expect(r.statusCode).toBe(404);
  expect(r.headers?.["cache-control"]).toEqual({ value: "no-store" });
});

test("the code is ES5-style: no modules, arrow functions, let/const or template literals", () => {
  expect(CLOUDFRONT_VIEWER_REQUEST_CODE).not.toMatch(/\b(import|export|let|const)\b|=>|`/);
});
