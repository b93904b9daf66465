/*
 * Tusk's WebKitGTK web extension: runs inside the web process and gives its
 * memory back when the app asks (a large result's tab was closed).
 *
 * JavaScriptCore collects when the page allocates; a page that has just let
 * go of a large result and then sits idle allocates nothing, so the garbage
 * stayed in the web process for as long as the user did nothing (measured
 * with make bench-ui: about 100 MB after closing a 1M-row result; see
 * docs/performance.md). The app sends the page message "tusk:collect"; the
 * extension runs a full collection, trims the C heap and replies with what
 * it took and the process's resident memory before and after.
 *
 * Built by scripts/webext.sh next to the app (build/bin/webext/); the app
 * finds it there, in ../lib/tusk/webext for the packages, or in
 * TUSK_WEBEXT_DIR. Without it the app works as before.
 */
#include <webkit2/webkit-web-extension.h>
#include <JavaScriptCore/JavaScript.h>
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

/* A synchronous full collection; exported by JavaScriptCore but not in its
 * public headers, so it is looked up at run time. */
typedef void (*sync_gc_fn)(JSContextRef);

static sync_gc_fn sync_gc;

/* resident_bytes is the process's resident set size, or -1. */
static gint64 resident_bytes(void) {
    long pages = -1;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%*s %ld", &pages) != 1)
        pages = -1;
    fclose(f);
    return pages < 0 ? -1 : (gint64)pages * sysconf(_SC_PAGESIZE);
}

static void collect(WebKitWebPage *page) {
    /* Deprecated in WebKitGTK 2.46 without a replacement that reaches the
     * page's JavaScript context; still there in 2.50. */
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    WebKitFrame *frame = webkit_web_page_get_main_frame(page);
    JSGlobalContextRef ctx = webkit_frame_get_javascript_global_context(frame);
    G_GNUC_END_IGNORE_DEPRECATIONS
    if (ctx == NULL)
        return;
    if (sync_gc != NULL)
        sync_gc(ctx);
    else
        JSGarbageCollect(ctx); /* a hint: JavaScriptCore collects soon */
}

static gboolean on_message(WebKitWebPage *page, WebKitUserMessage *message, gpointer data) {
    (void)data;
    if (g_strcmp0(webkit_user_message_get_name(message), "tusk:collect") != 0)
        return FALSE;
    gint64 before = resident_bytes();
    gint64 start = g_get_monotonic_time();
    collect(page);
    malloc_trim(0);
    gint64 took = g_get_monotonic_time() - start;
    GVariant *reply = g_variant_new("(xxxb)", took, before, resident_bytes(), sync_gc != NULL);
    webkit_user_message_send_reply(message, webkit_user_message_new("tusk:collected", reply));
    return TRUE;
}

static void on_page(WebKitWebExtension *extension, WebKitWebPage *page, gpointer data) {
    (void)extension;
    (void)data;
    g_signal_connect(page, "user-message-received", G_CALLBACK(on_message), NULL);
}

G_MODULE_EXPORT void webkit_web_extension_initialize(WebKitWebExtension *extension) {
    sync_gc = (sync_gc_fn)dlsym(RTLD_DEFAULT, "JSSynchronousGarbageCollectForDebugging");
    g_signal_connect(extension, "page-created", G_CALLBACK(on_page), NULL);
}
