// Showing what members wrote: always as text. The one exception is a search snippet, which the API
// documents as HTML-escaped with hits in <mark>: it is rebuilt from text nodes and <mark> elements
// only, so nothing else can ever become markup.
import type { ComponentChildren } from "preact";
import { Fragment } from "preact";

/** Split server snippet text on <mark>…</mark>; every other character is shown as text. */
export function snippetParts(snippet: string): { text: string; mark: boolean }[] {
  const parts: { text: string; mark: boolean }[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: unescape(snippet.slice(last, m.index)), mark: false });
    parts.push({ text: unescape(m[1]), mark: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: unescape(snippet.slice(last)), mark: false });
  return parts;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e] ?? e);
}

export function Snippet({ html, class: cls = "snippet" }: { html: string; class?: string }) {
  return (
    <span class={cls}>
      {snippetParts(html).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <Fragment key={i}>{p.text}</Fragment>))}
    </span>
  );
}

/** Multi-line text as paragraphs of text (no HTML). */
export function Paragraphs({ text }: { text: string }): ComponentChildren {
  return (
    <div class="body">
      {text.split(/\n{2,}/).map((para, i) => (
        <p key={i}>
          {para.split("\n").map((line, j) => (
            <Fragment key={j}>
              {j ? <br /> : null}
              {line}
            </Fragment>
          ))}
        </p>
      ))}
    </div>
  );
}
