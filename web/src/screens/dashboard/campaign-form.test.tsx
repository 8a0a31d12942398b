import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { render } from "preact";
import { ApiError } from "../../api";
import { setLang } from "../../i18n";

const create = vi.fn();

vi.mock("../../session", () => ({ useSession: () => ({ me: { handle: "owner_1" } }) }));
vi.mock("../../router", async (orig) => ({ ...(await orig<typeof import("../../router")>()), navigate: vi.fn() }));
vi.mock("../../api", async (orig) => {
  const real = await orig<typeof import("../../api")>();
  const community = {
    id: "c1", name: "公式", description: "", category: "games", member_count: 1, official: true,
    company: { id: "co1", name: "株式会社テスト" }, owner: { handle: "owner_1", display_name: "O" }, created_at: "",
  };
  const empty = () => Promise.resolve({ items: [], next_cursor: null });
  return {
    ...real,
    companies: {
      get: () => Promise.resolve({ id: "co1", name: "株式会社テスト", website: "", created_at: "" }),
      mine: () => Promise.resolve({ items: [{ id: "co1", name: "株式会社テスト", role: "owner" }] }),
      inbox: empty,
      communities: () => Promise.resolve({ items: [community], next_cursor: null }),
    },
    members: { communities: () => Promise.resolve({ items: [community], next_cursor: null }) },
    communities: { get: () => Promise.resolve(community), posts: empty, list: empty },
    campaigns: { list: empty, create: (...args: unknown[]) => create(...args) },
    posts: { get: () => Promise.reject(new Error("no")) },
  };
});

const { default: CampaignForm } = await import("./campaign-form");

const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle() {
  for (let i = 0; i < 10; i++) await tick();
}
function type(el: Element | null, value: string) {
  const input = el as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

describe("the campaign form", () => {
  let host: HTMLElement;
  beforeEach(() => {
    setLang("ja");
    host = document.createElement("div");
    document.body.append(host);
    create.mockReset();
  });
  afterEach(() => {
    render(null, host);
    host.remove();
  });

  test("a nested field error of the API lands at that keyword row's input, and nowhere else", async () => {
    const loc = { path: "/dashboard/co1/campaigns/new", query: new URLSearchParams(), raw: "" };
    render(<CampaignForm params={{ company: "co1" }} loc={loc} />, host);
    await settle();
    expect((host.querySelector("#cf-target") as HTMLSelectElement).value).toBe("community:c1");
    (host.querySelector("#add-keyword") as HTMLButtonElement).click();
    await settle();
    const rows = host.querySelectorAll(".keyword-row");
    expect(rows).toHaveLength(2);
    type(rows[0].querySelector("input[name=text]"), "RPG");
    type(rows[0].querySelector("input[name=max_cpc]"), "40");
    type(rows[1].querySelector("input[name=text]"), "DS");
    type(rows[1].querySelector("input[name=max_cpc]"), "0");
    type(host.querySelector("#cf-headline"), "見出し");
    await settle();
    expect(host.querySelector("#cf-headline")!.parentElement!.querySelector(".counter")!.textContent).toBe("3 / 30 文字");

    create.mockRejectedValueOnce(
      new ApiError(400, "invalid_request", "bad", [
        { path: "keywords.1.max_cpc", type: "greater_than_equal", message: "Input should be greater than or equal to 1" },
        { path: "name", type: "missing", message: "Field required" },
      ]),
    );
    (host.querySelector("#campaign-form") as HTMLFormElement).dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
    await settle();

    const body = create.mock.calls[0][1];
    expect(body.keywords).toEqual([
      { text: "RPG", match: "broad", max_cpc: 40 },
      { text: "DS", match: "broad", max_cpc: 0 },
    ]);
    const again = host.querySelectorAll(".keyword-row");
    const bid = again[1].querySelector("input[name=max_cpc]")!;
    expect(bid.getAttribute("aria-invalid")).toBe("true");
    expect(again[1].querySelector(".field-error")!.textContent).toBe("1〜100,000円の整数で入力してください。");
    expect(again[0].querySelector(".field-error")).toBeNull();
    expect(host.querySelector("#cf-name-error")!.textContent).toBe("入力してください。");
    expect(host.querySelectorAll(".field-error")).toHaveLength(2);
  });
});
