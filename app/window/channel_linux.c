//go:build linux && desktop && cgo

// Closes Wails' script message channel ("external") on the window's
// webview, so no frame of the page, and above all no card frame, can post
// to Wails' dispatcher. See channel_linux.go.

#include <string.h>
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

extern void flowdeckChannelMessage(char *msg);
extern void flowdeckChannelDone(int webviews, int state);

#define FD_RECORD 1
#define FD_KEEP 2

static WebKitWebView *fd_find_webview(GtkWidget *w)
{
    if (WEBKIT_IS_WEB_VIEW(w))
        return WEBKIT_WEB_VIEW(w);
    if (!GTK_IS_CONTAINER(w))
        return NULL;
    WebKitWebView *found = NULL;
    GList *children = gtk_container_get_children(GTK_CONTAINER(w));
    for (GList *l = children; l != NULL && found == NULL; l = l->next)
        found = fd_find_webview(GTK_WIDGET(l->data));
    g_list_free(children);
    return found;
}

// Test hook: a second handler on the same signal Wails listens to sees
// every message Wails' dispatcher would get.
static void fd_record(WebKitUserContentManager *m, WebKitJavascriptResult *r, gpointer data)
{
    JSCValue *v = webkit_javascript_result_get_js_value(r);
    char *s = jsc_value_to_string(v);
    flowdeckChannelMessage(s);
    g_free(s);
}

static WebKitWebView *fd_view = NULL;
static int fd_recording = 0;

// The check runs in the page itself: after unregistering, the handler
// must be gone from window.webkit.messageHandlers.
static const char *fd_probe =
    "(function(){try{var h=window.webkit&&window.webkit.messageHandlers;"
    "return typeof (h&&h.external);}catch(e){return 'error';}})()";

static void fd_checked(GObject *obj, GAsyncResult *res, gpointer data)
{
    int n = GPOINTER_TO_INT(data);
    GError *err = NULL;
#if WEBKIT_CHECK_VERSION(2, 40, 0)
    JSCValue *v = webkit_web_view_evaluate_javascript_finish(WEBKIT_WEB_VIEW(obj), res, &err);
    if (v == NULL) {
        g_clear_error(&err);
        flowdeckChannelDone(n, -1);
        return;
    }
    char *s = jsc_value_to_string(v);
    g_object_unref(v);
#else
    WebKitJavascriptResult *jr = webkit_web_view_run_javascript_finish(WEBKIT_WEB_VIEW(obj), res, &err);
    if (jr == NULL) {
        g_clear_error(&err);
        flowdeckChannelDone(n, -1);
        return;
    }
    char *s = jsc_value_to_string(webkit_javascript_result_get_js_value(jr));
    webkit_javascript_result_unref(jr);
#endif
    // 1: gone; 0: still there.
    flowdeckChannelDone(n, strcmp(s, "undefined") == 0 ? 1 : 0);
    g_free(s);
}

static gboolean fd_check_idle(gpointer data)
{
    if (fd_view == NULL) {
        flowdeckChannelDone(0, -1);
        return G_SOURCE_REMOVE;
    }
#if WEBKIT_CHECK_VERSION(2, 40, 0)
    webkit_web_view_evaluate_javascript(fd_view, fd_probe, -1, NULL, NULL, NULL, fd_checked, GINT_TO_POINTER(1));
#else
    webkit_web_view_run_javascript(fd_view, fd_probe, NULL, fd_checked, GINT_TO_POINTER(1));
#endif
    return G_SOURCE_REMOVE;
}

static gboolean fd_close_idle(gpointer data)
{
    int flags = GPOINTER_TO_INT(data);
    int n = 0;
    GList *tops = gtk_window_list_toplevels();
    for (GList *l = tops; l != NULL; l = l->next) {
        WebKitWebView *v = fd_find_webview(GTK_WIDGET(l->data));
        if (v == NULL)
            continue;
        WebKitUserContentManager *m = webkit_web_view_get_user_content_manager(v);
        if (m == NULL)
            continue;
        if ((flags & FD_RECORD) && !fd_recording) {
            g_signal_connect(m, "script-message-received::external", G_CALLBACK(fd_record), NULL);
            fd_recording = 1;
        }
        if (!(flags & FD_KEEP))
            webkit_user_content_manager_unregister_script_message_handler(m, "external");
        if (fd_view == NULL)
            fd_view = v;
        n++;
    }
    g_list_free(tops);
    if (n == 0) {
        flowdeckChannelDone(0, -1);
        return G_SOURCE_REMOVE;
    }
    // Report what was done; the Go side then asks for the in-page check.
    flowdeckChannelDone(n, 2);
    return G_SOURCE_REMOVE;
}

void flowdeck_channel_close(int flags)
{
    g_idle_add_full(G_PRIORITY_HIGH, fd_close_idle, GINT_TO_POINTER(flags), NULL);
}

void flowdeck_channel_check(void)
{
    g_idle_add_full(G_PRIORITY_HIGH, fd_check_idle, NULL, NULL);
}
