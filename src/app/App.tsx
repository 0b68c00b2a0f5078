import { lazy, Suspense } from 'react';
import { HomePage } from './pages/HomePage';

// The canvas and its libraries load only when a map is opened.
const MapPage = lazy(() => import('./pages/MapPage'));

/** Two pages: / and /map/:id. Links are plain anchors; the server serves index.html for both. */
export function App() {
  const match = /^\/map\/([^/]+)\/?$/.exec(location.pathname);
  if (match) {
    return (
      <Suspense fallback={<p className="centre" role="status">Opening the map…</p>}>
        <MapPage mapId={decodeURIComponent(match[1]!)} />
      </Suspense>
    );
  }
  if (location.pathname === '/' || location.pathname === '/index.html') return <HomePage />;
  return (
    <main className="centre">
      <p>There is no page here.</p>
      <a href="/">Go to Causeway</a>
    </main>
  );
}
