import { afterEach, describe, expect, it, vi } from "vitest";

import { TOKEN_KEY, bearer, clearToken, onTokenChange, readToken, saveToken } from "./tokenStore";

afterEach(() => {
  localStorage.clear();
});

describe("token store", () => {
  it("keeps a saved token in localStorage, trimmed", () => {
    saveToken("  tok_abc \n");
    expect(localStorage.getItem(TOKEN_KEY)).toBe("tok_abc");
    expect(readToken()).toBe("tok_abc");
  });

  it("reads nothing when nothing or only blanks are stored", () => {
    expect(readToken()).toBeNull();
    localStorage.setItem(TOKEN_KEY, "   ");
    expect(readToken()).toBeNull();
  });

  it("refuses an empty token", () => {
    expect(() => saveToken("  ")).toThrow(/empty/);
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it("clears the token", () => {
    saveToken("tok_abc");
    clearToken();
    expect(readToken()).toBeNull();
    expect(localStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it("tells listeners of sign-in and sign-out until they unsubscribe", () => {
    const heard = vi.fn();
    const stop = onTokenChange(heard);
    saveToken("tok_1");
    clearToken();
    stop();
    saveToken("tok_2");
    expect(heard.mock.calls).toEqual([["tok_1"], [null]]);
  });

  it("hears another tab's change through the storage event", () => {
    const heard = vi.fn();
    const stop = onTokenChange(heard);
    localStorage.setItem(TOKEN_KEY, "tok_other");
    window.dispatchEvent(new StorageEvent("storage", { key: TOKEN_KEY }));
    stop();
    expect(heard).toHaveBeenCalledWith("tok_other");
  });

  it("makes the bearer header", () => {
    expect(bearer("tok_abc")).toBe("Bearer tok_abc");
  });
});
