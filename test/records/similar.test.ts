/** "Did you mean": edit distance with transpositions, and the closest known name within a limit. */
import { closestName, editDistance } from "../../components/records/similar";

test.each([
  ["include", "include", 0],
  ["inlude", "include", 1],
  ["inlcude", "include", 1], // a transposition is one edit
  ["spff", "spf", 1],
  ["", "abc", 3],
  ["abc", "", 3],
  ["ip4", "ipv4", 1],
])("editDistance(%j, %j) = %i", (a, b, d) => {
  expect(editDistance(a, b)).toBe(d);
  expect(editDistance(b, a)).toBe(d);
});

describe("closestName", () => {
  const limit = () => 2;
  test("the closest candidate within the limit; ties to the closest length", () => {
    expect(closestName("adkm", ["aspf", "adkim"], { limit })).toBe("adkim");
    expect(closestName("zonename", ["zoneId", "zoneName"], { limit, ignoreCase: true })).toBe("zoneName");
  });
  test("nothing when every candidate is too far", () => {
    expect(closestName("policy", ["rua", "ruf"], { limit })).toBeUndefined();
    expect(closestName("zonename", ["zoneName"], { limit: () => 0 })).toBeUndefined();
  });
});
