import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/members";
import { getCurrentUser } from "@/lib/auth/session";
import { providerName, signInEnabled } from "@/lib/auth/settings";
import { signInAction } from "../actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in · wan-studio" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Auth.js's error codes (`?error=`), in words. */
function errorSentence(code: string): string {
  switch (code) {
    case "AccessDenied":
      return "That account is not on this team's list. Sign in with your team account.";
    case "Configuration":
      return "Sign-in is not set up correctly on this server. Ask whoever runs the studio to check its logs.";
    default:
      return "Sign-in did not finish. Please try again.";
  }
}

/** Where everyone lands without a session when sign-in is on. */
export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeReturnPath(one(params.callbackUrl) ?? "/");
  if (!signInEnabled() || (await getCurrentUser())) redirect(callbackUrl);
  const refused = one(params.refused)?.slice(0, 200);
  const error = one(params.error);
  const problem = refused
    ? `${refused} is not on this team's list, so it cannot use the studio. Sign in with your team account, or ask an admin to add you.`
    : error
      ? errorSentence(error)
      : null;

  return (
    <main className="mx-auto flex max-w-md flex-col gap-6 px-4 py-16 sm:px-6">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-bold tracking-tight">Sign in to wan-studio</h1>
        <p className="text-ink-soft text-sm">
          The studio is for the team: sign in with your team account to make videos and see
          everyone's history.
        </p>
      </div>
      {problem ? (
        <p role="alert" className="bg-danger-soft text-danger rounded-md px-3 py-2 text-sm">
          {problem}
        </p>
      ) : null}
      <form action={signInAction}>
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <button
          type="submit"
          className="bg-accent hover:bg-accent-strong w-full rounded-md px-4 py-2 font-medium text-white"
        >
          Sign in with {providerName()}
        </button>
      </form>
    </main>
  );
}
