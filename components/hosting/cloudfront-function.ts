/**
 * The CloudFront viewer-request function in front of the S3 origin: 404 for every path but the policy's. Without it
 * S3 answers 403 AccessDenied for any other key (the distribution may not list the bucket), which reads like a
 * permissions fault to whoever debugs it. Methods are limited by the distribution itself (GET and HEAD only).
 * Plain ES5 syntax (CloudFront Functions' cloudfront-js-2.0 runtime has no modules); a pure constant.
 */
import { POLICY_PATH } from "./worker-script";

export const CLOUDFRONT_FUNCTION_RUNTIME = "cloudfront-js-2.0";

export const CLOUDFRONT_VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  if (request.uri !== ${JSON.stringify(POLICY_PATH)}) {
    return { statusCode: 404, statusDescription: "Not Found", headers: { "cache-control": { value: "no-store" } } };
  }
  return request;
}
`;
