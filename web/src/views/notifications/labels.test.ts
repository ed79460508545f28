import { describe, expect, it } from "vitest";

import { bellLabel, kindLabel, kindTone } from "./labels";

describe("the bell", () => {
  it("shows the unread count as text", () => {
    expect(bellLabel(3)).toBe("Notifications (3)");
    expect(bellLabel(1000)).toBe("Notifications (999+)");
  });

  it("shows no count when nothing is unread or the count is not known yet", () => {
    expect(bellLabel(0)).toBe("Notifications");
    expect(bellLabel(undefined)).toBe("Notifications");
  });
});

describe("kinds", () => {
  it("labels the service's kinds", () => {
    expect(kindLabel("EXPERIMENT_FAILED")).toBe("Failed");
    expect(kindLabel("RESOURCES_UNAVAILABLE")).toBe("Resources unavailable");
  });

  it("words a kind it does not know", () => {
    expect(kindLabel("QUOTA_WARNING")).toBe("Quota warning");
    expect(kindLabel("")).toBe("");
  });

  it("marks failures and warnings", () => {
    expect(kindTone("EXPERIMENT_FAILED")).toBe("bad");
    expect(kindTone("RESERVATION_EXPIRING")).toBe("warn");
    expect(kindTone("EXPERIMENT_COMPLETED")).toBe("good");
    expect(kindTone("EXPERIMENT_STARTED")).toBe("info");
  });
});
