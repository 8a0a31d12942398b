// DOM helpers. Every string goes in as a text node (h, text); the one exception is serverHtml,
// for search snippets that the server has already HTML-escaped.

/** h("a", {href: "#/", class: "x", onclick: fn}, "text", child, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    // A string becomes a text node, never markup.
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/**
 * A search snippet as HTML. GET /search documents `snippet` as "hits in <mark>, everything else
 * escaped": the server escaped the member's text before adding <mark>, so this is the only place
 * where we insert HTML. As a second line of defence, anything but <mark> and text falls back to
 * plain text.
 */
export function serverHtml(snippet) {
  const tpl = document.createElement("template");
  tpl.innerHTML = snippet;
  const onlyMarks = [...tpl.content.querySelectorAll("*")].every(
    (n) => n.tagName === "MARK" && n.attributes.length === 0,
  );
  const span = h("span", { class: "snippet" });
  if (onlyMarks) span.append(tpl.content);
  else span.textContent = tpl.content.textContent;
  return span;
}

const dateFmt = new Intl.DateTimeFormat("ja-JP", { dateStyle: "medium", timeStyle: "short" });

export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFmt.format(d);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const hrs = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}日${hrs}時間`;
  if (hrs) return `${hrs}時間${m}分`;
  if (m) return `${m}分`;
  return `${s}秒`;
}

/** The API error (or any error) as a sentence, with field paths for 400s. */
export function errorText(err) {
  const parts = [err.message || String(err)];
  for (const d of err.details || []) {
    if (d && d.path) parts.push(`${d.path}: ${d.message}`);
  }
  if (err.retryAfter) parts.push(`${err.retryAfter}秒後にもう一度お試しください。`);
  return parts.join(" / ");
}

/** A message box: kind is "error", "info" or "ok". */
export function message(kind, text) {
  return h("div", { class: `msg msg-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/** Show an error (or clear) in a message slot. */
export function showError(slot, err) {
  clear(slot);
  if (err) slot.append(message("error", errorText(err)));
}

/**
 * A form whose submit calls `action(values)`; buttons are disabled while it runs and API errors
 * are shown above the fields.
 */
export function form(props, fields, action) {
  const slot = h("div", { class: "form-msg" });
  const el = h("form", props, slot, fields);
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(el).entries());
    const buttons = el.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    clear(slot);
    try {
      await action(values, el);
    } catch (err) {
      showError(slot, err);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
  return el;
}

export function field(label, input) {
  return h("label", { class: "field" }, h("span", { class: "label" }, label), input);
}
