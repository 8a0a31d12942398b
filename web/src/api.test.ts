import { afterEach, describe, expect, test, vi } from "vitest";
import { ApiError, auth, members, session } from "./api";

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  session.token = null;
});

describe("sessions in the API client", () => {
  test("a 401 to a request ends the session it carried", async () => {
    session.token = "old";
    const ended = vi.fn();
    const off = session.onEnded(ended);
    vi.stubGlobal("fetch", vi.fn(async () => answer(401, { error: { code: "session_ended", message: "ended" } })));

    await expect(members.me()).rejects.toBeInstanceOf(ApiError);

    expect(session.token).toBeNull();
    expect(ended).toHaveBeenCalledOnce();
    off();
  });

  test("a late 401 of an earlier session leaves a newer login's token alone", async () => {
    session.token = "old";
    const ended = vi.fn();
    const off = session.onEnded(ended);
    let release: (r: Response) => void = () => undefined;
    vi.stubGlobal("fetch", vi.fn(() => new Promise<Response>((resolve) => (release = resolve))));

    const logout = auth.logout(); // sent with "old"
    session.token = "new"; // logged in again before the answer
    release(answer(401, { error: { code: "session_ended", message: "ended" } }));
    await expect(logout).rejects.toBeInstanceOf(ApiError);

    expect(session.token).toBe("new");
    expect(ended).not.toHaveBeenCalled();
    off();
  });

  test("a request carries the token it started with", async () => {
    session.token = "first";
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetch);

    const sent = auth.logout();
    session.token = null;
    await sent;

    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer first");
  });
});
