import { describe, expect, test } from "vitest";
import { render } from "preact";
import { Snippet, snippetParts } from "./text";

describe("search snippets", () => {
  test("only <mark> becomes markup; escaped text stays text", () => {
    expect(snippetParts("a <mark>b</mark> &lt;img src=x&gt;")).toEqual([
      { text: "a ", mark: false },
      { text: "b", mark: true },
      { text: " <img src=x>", mark: false },
    ]);
  });

  test("a raw tag in a snippet renders as its text, never as an element", () => {
    const host = document.createElement("div");
    render(<Snippet html={'<img src=x onerror="alert(1)"><mark>hit</mark>'} />, host);
    expect(host.querySelector("img")).toBeNull();
    expect(host.querySelectorAll("mark")).toHaveLength(1);
    expect(host.textContent).toBe('<img src=x onerror="alert(1)">hit');
  });
});
