/*
 * Imported by the generated service worker (vite.config.ts: workbox.importScripts), issue 13: a click on one of the
 * inbox's system notifications (src/sync/inbox.ts showThroughServiceWorker, `data.url` = '#/cases/<id>' or another
 * hash route) brings the app to that screen: an open window of the app is focused and told where to go (the inbox
 * module listens for `gridlink:open` and sets the hash), else a new window opens at the URL.
 */
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const raw = (event.notification.data && event.notification.data.url) || '#/inbox';
  // Only the app's own hash routes: a notification never sends anyone to another origin.
  const hash = typeof raw === 'string' && /^#\/[\w/?=&.-]*$/.test(raw) ? raw : '#/inbox';
  const url = new URL('/' + hash, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
      const win = list.find((c) => new URL(c.url).origin === self.location.origin);
      if (win) {
        win.postMessage({ type: 'gridlink:open', hash });
        return win.focus();
      }
      return self.clients.openWindow(url);
    }),
  );
});
