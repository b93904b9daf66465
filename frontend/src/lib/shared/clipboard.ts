/**
 * copyText puts text on the system clipboard. The webview's clipboard API
 * needs a secure context and a user gesture, which a menu command through the
 * native menu is not; Wails' runtime clipboard works everywhere, so it is the
 * fallback.
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through to the runtime
  }
  const rt = (window as unknown as { runtime?: { ClipboardSetText?: (t: string) => Promise<boolean> } }).runtime;
  if (rt?.ClipboardSetText && (await rt.ClipboardSetText(text))) return;
  throw new Error('the clipboard is not available');
}

/**
 * readText returns the text on the system clipboard, for a paste started
 * from a button or a command rather than from a paste event (which carries
 * the text itself and works in every webview). The webview's clipboard API
 * may be missing or refused (WebKitGTK): Wails' runtime is the fallback.
 */
export async function readText(): Promise<string> {
  try {
    return await navigator.clipboard.readText();
  } catch {
    // fall through to the runtime
  }
  const rt = (window as unknown as { runtime?: { ClipboardGetText?: () => Promise<string> } }).runtime;
  if (rt?.ClipboardGetText) return rt.ClipboardGetText();
  throw new Error('the clipboard is not available');
}
