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
