import fc from "fast-check";
import { loadAllProperties } from "./properties/property";

// A few hundred cases per property on every `npm test`; `npm run fuzz` runs 100,000 each.
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

describe("properties of the record core and the report parsers", () => {
  for (const { name, property } of loadAllProperties()) {
    test(name, async () => {
      await fc.assert(property, { numRuns: NUM_RUNS });
    });
  }
});
