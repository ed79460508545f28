import { describe, expect, it } from "vitest";

import { AnswerOrder, MAX_REREADS } from "./answerOrder";

describe("the order of answers on the detail page", () => {
  it("shows an answer when no live push overtook it", () => {
    const order = new AnswerOrder();
    order.pushed();
    const judge = order.begin();
    expect(judge()).toBe("show");
  });

  it("reads again when a push arrived while the answer was in flight", () => {
    const order = new AnswerOrder();
    const judge = order.begin();
    order.pushed();
    expect(judge()).toBe("reread");
    // the re-read went out after the push: nothing overtook it
    const again = order.begin();
    expect(again()).toBe("show");
  });

  it("judges each request from the moment it went out", () => {
    const order = new AnswerOrder();
    const early = order.begin();
    order.pushed();
    const late = order.begin();
    expect(late()).toBe("show");
    expect(early()).toBe("reread");
  });

  it("shows the answer after a bounded number of re-reads in a row", () => {
    const order = new AnswerOrder();
    const verdicts = [];
    for (let i = 0; i <= MAX_REREADS; i += 1) {
      const judge = order.begin();
      order.pushed();
      verdicts.push(judge());
    }
    expect(verdicts).toEqual([...Array<string>(MAX_REREADS).fill("reread"), "show"]);
    // and the count starts again after an answer is shown
    const judge = order.begin();
    order.pushed();
    expect(judge()).toBe("reread");
  });
});
