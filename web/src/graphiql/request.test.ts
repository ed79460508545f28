import { parse } from "graphql";
import { describe, expect, it } from "vitest";

import { connectionParams, headerValue, initialHeaders, isSubscription } from "./request";

describe("GraphiQL headers", () => {
  it("pre-fill the console's token as a bearer Authorization", () => {
    expect(JSON.parse(initialHeaders("tok_1"))).toEqual({ Authorization: "Bearer tok_1" });
    expect(initialHeaders(null)).toBe("");
  });

  it("find a header whatever the case of its name", () => {
    expect(headerValue({ authorization: "Bearer a" }, "Authorization")).toBe("Bearer a");
    expect(headerValue({ AUTHORIZATION: "Bearer b" }, "authorization")).toBe("Bearer b");
    expect(headerValue({ Authorization: 5 }, "Authorization")).toBeUndefined();
    expect(headerValue(undefined, "Authorization")).toBeUndefined();
  });

  it("carry the Authorization into the websocket's connection_init", () => {
    expect(connectionParams({ Authorization: "Bearer c", "X-Other": "1" })).toEqual({
      Authorization: "Bearer c",
    });
    expect(connectionParams({})).toEqual({});
  });
});

describe("which operations go over the websocket", () => {
  const document = parse(`
    query Me { me { id } }
    subscription Live { notifications { id } }
  `);

  it("picks the operation by name", () => {
    expect(isSubscription(document, "Live")).toBe(true);
    expect(isSubscription(document, "Me")).toBe(false);
    expect(isSubscription(document, "Missing")).toBe(false);
  });

  it("takes a document's only operation when none is named", () => {
    expect(isSubscription(parse("subscription { notifications { id } }"))).toBe(true);
    expect(isSubscription(parse("{ me { id } }"), null)).toBe(false);
    expect(isSubscription(document)).toBe(false);
  });
});
